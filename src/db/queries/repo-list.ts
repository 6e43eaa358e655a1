import { type ExpressionBuilder, type SqlBool, sql } from "kysely";
import type { Db } from "../connect.js";
import type { Database } from "../schema.js";
import type { RepoRow } from "./repos.js";
import { type SearchIndex, type SearchTerm, searchIndexFor } from "../search/search-index.js";

/** The columns a listing can sort on; `id` is the repo id `namespace/name`. */
export const repoSortKeys = ["updated_at", "created_at", "downloads", "downloads_all_time", "trending_score", "likes", "id"] as const;
export type RepoSortKey = (typeof repoSortKeys)[number];

/** Which private repos a caller may see: every one (admins), or those in these namespaces and these repos. */
export type PrivateScope = "all" | { namespaces: string[]; repos?: { type: string; namespace: string; name: string }[] };

export interface RepoListQuery {
  type: string;
  privateScope: PrivateScope;
  /**
   * Search terms, all required: each matches a repo whose id contains it
   * (case-insensitive) or whose full-text document has all its `words`.
   */
  search: SearchTerm[];
  author?: string;
  /** Terms that must all be in `repo_tags`. */
  tags: string[];
  /** Parameter count range, bounds included; repos of unknown size are left out. */
  parameters?: { min?: number; max?: number };
  pipelineTag?: string;
  /** true: gated "auto" or "manual"; false: not gated. */
  gated?: boolean;
  sort: RepoSortKey;
  descending: boolean;
  /** Keyset position: the sort value and row id of the last item already returned. */
  after?: { value: string | number; id: number };
  limit: number;
}

type Eb = ExpressionBuilder<Database, "repos">;

/**
 * The sort key as an SQL expression. Ids compare byte by byte on both
 * databases (SQLite's default; PostgreSQL's "C" collation), so the order does
 * not depend on the server's locale.
 */
function sortExpr(key: RepoSortKey, dialect: Db["dialect"]) {
  if (key !== "id") return sql.ref(`repos.${key}`);
  const id = sql<string>`(${sql.ref("repos.namespace")} || '/' || ${sql.ref("repos.name")})`;
  return dialect === "postgres" ? sql<string>`(${id} collate "C")` : id;
}

/**
 * One page of repos, ordered by the sort key then the row id (the tie-breaker
 * that makes the order total), starting after a keyset position rather than an
 * OFFSET: a page costs the same wherever it is, and rows added or removed
 * meanwhile never shift later pages. Works on SQLite and PostgreSQL alike.
 */
export async function listRepoRows(db: Db, q: RepoListQuery): Promise<RepoRow[]> {
  const key = sortExpr(q.sort, db.dialect);
  const dir = q.descending ? "desc" : "asc";
  let query = db.kysely.selectFrom("repos").selectAll("repos").where("repos.type", "=", q.type);
  if (q.privateScope !== "all") {
    const { namespaces, repos = [] } = q.privateScope;
    query = query.where((eb: Eb) =>
      eb.or([
        eb("repos.private", "=", 0),
        ...(namespaces.length ? [eb("repos.namespace", "in", namespaces)] : []),
        ...repos.map((r) => eb.and([eb("repos.type", "=", r.type), eb("repos.namespace", "=", r.namespace), eb("repos.name", "=", r.name)])),
      ]),
    );
  }
  // Filters few repos pass drive the query: those repos are looked up first and sorted, rather
  // than found one by one while walking the whole sort order (see `startingIds`).
  const index = searchIndexFor(db.dialect);
  const start = await startingIds(db, q, index);
  if (start?.length === 0) return [];
  if (start) query = query.where("repos.id", "in", start);
  for (const term of q.search) query = query.where(index.matches(term));
  if (q.parameters?.min !== undefined) query = query.where(sql<SqlBool>`${sql.ref("repos.parameters")} >= ${q.parameters.min}`);
  if (q.parameters?.max !== undefined) query = query.where(sql<SqlBool>`${sql.ref("repos.parameters")} <= ${q.parameters.max}`);
  if (q.author !== undefined) query = query.where("repos.namespace", "=", q.author);
  if (q.pipelineTag !== undefined) query = query.where("repos.pipeline_tag", "=", q.pipelineTag);
  if (q.gated !== undefined) query = query.where("repos.gated", q.gated ? "in" : "not in", ["auto", "manual"]);
  for (const tag of q.tags) {
    query = query.where((eb: Eb) =>
      eb.exists(
        eb.selectFrom("repo_tags").select(sql`1`.as("one")).whereRef("repo_tags.repo_id", "=", "repos.id").where("repo_tags.tag", "=", tag),
      ),
    );
  }
  if (q.after) {
    const { value, id } = q.after;
    const cmp = q.descending ? sql.raw("<") : sql.raw(">");
    query = query.where(sql<SqlBool>`(${key} ${cmp} ${value} or (${key} = ${value} and ${sql.ref("repos.id")} ${cmp} ${id}))`);
  }
  return query
    .orderBy(key, dir)
    .orderBy("repos.id", dir)
    .limit(q.limit)
    .execute();
}

/** A listing starts from a list of repo ids when one of its filters leaves at most this many. */
const startingMax = 2000;

/**
 * The ids of the only repos (of any type and visibility; the query still
 * checks everything) that can pass the rarest search term or tag filter,
 * when it is rare enough, else `undefined`.
 *
 * Neither database knows how many repos a tag or a word selects when it
 * plans: walking the sort order and checking each repo is quick when the
 * filters are common (the page fills at once) and a scan of the whole table
 * when they are rare; starting from the matching repos and sorting them is
 * the other way round. So each filter's repos are read from its index, up to
 * a bound, and the listing starts from the fewest. (Several common filters
 * whose combination is rare still walk; see docs/architecture.md.)
 */
async function startingIds(db: Db, q: RepoListQuery, index: SearchIndex): Promise<number[] | undefined> {
  const tags = [...new Set([...q.tags, ...(q.pipelineTag === undefined ? [] : [`pipeline_tag:${q.pipelineTag}`])])];
  let best: number[] | undefined;
  for (const term of q.search) {
    const ids = await index.candidates(db, term, startingMax);
    if (ids && (!best || ids.length < best.length)) best = ids;
    if (best?.length === 0) return best;
  }
  for (const tag of tags) {
    const rows = await db.kysely.selectFrom("repo_tags").select("repo_id").where("tag", "=", tag).limit(startingMax + 1).execute();
    if (rows.length <= startingMax && (!best || rows.length < best.length)) best = rows.map((r) => r.repo_id);
    if (best?.length === 0) return best;
  }
  return best;
}

/** The sort value of a row, as `after.value` takes it. */
export function sortValueOf(row: RepoRow, key: RepoSortKey): string | number {
  return key === "id" ? `${row.namespace}/${row.name}` : row[key];
}

/** Replaces the filter terms of a repo (run inside the indexer's transaction). */
export async function replaceRepoTags(db: Db, repoId: number, tags: string[]): Promise<void> {
  await db.kysely.deleteFrom("repo_tags").where("repo_id", "=", repoId).execute();
  if (tags.length) {
    await db.kysely.insertInto("repo_tags").values(tags.map((tag) => ({ repo_id: repoId, tag }))).execute();
  }
}
