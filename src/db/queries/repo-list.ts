import { type ExpressionBuilder, type SqlBool, sql } from "kysely";
import type { Db } from "../connect.js";
import type { Database } from "../schema.js";
import type { RepoRow } from "./repos.js";

/** The columns a listing can sort on; `id` is the repo id `namespace/name`. */
export const repoSortKeys = ["updated_at", "created_at", "downloads", "likes", "id"] as const;
export type RepoSortKey = (typeof repoSortKeys)[number];

/** Which private repos a caller may see: every one (admins), or those in these namespaces. */
export type PrivateScope = "all" | { namespaces: string[] };

export interface RepoListQuery {
  type: string;
  privateScope: PrivateScope;
  /** Case-insensitive substrings that must all occur in `namespace/name`. */
  search: string[];
  author?: string;
  /** Terms that must all be in `repo_tags`. */
  tags: string[];
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

/** `LIKE` pattern for a literal substring, with `!` as the escape character. */
function containsPattern(s: string): string {
  return `%${s.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
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
    const namespaces = q.privateScope.namespaces;
    query = query.where((eb: Eb) =>
      namespaces.length ? eb.or([eb("repos.private", "=", 0), eb("repos.namespace", "in", namespaces)]) : eb("repos.private", "=", 0),
    );
  }
  for (const s of q.search) {
    query = query.where(
      sql<SqlBool>`lower(${sql.ref("repos.namespace")} || '/' || ${sql.ref("repos.name")}) like ${containsPattern(s)} escape '!'`,
    );
  }
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
