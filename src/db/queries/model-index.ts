import { type ExpressionBuilder, type SqlBool, sql } from "kysely";
import type { Db } from "../connect.js";
import type { Database } from "../schema.js";
import type { PrivateScope } from "./repo-list.js";
import type { RepoRow } from "./repos.js";

/** What indexing a model's files found, as stored on its row. */
export interface ModelIndexColumns {
  parameters: number | null;
  formats: string[];
  /** Serialized into `model_metadata`. */
  metadata: Record<string, unknown>;
  warnings: { path: string; message: string }[];
  indexVersion: number;
}

/** An edge of the model tree: a repo, one base model its card names, and the relation. */
export interface BaseModelRow {
  base_model: string;
  relation: string;
  position: number;
}

/** Stores the file metadata of a repo (run inside the indexer's transaction). */
export async function updateModelIndex(db: Db, repoId: number, m: ModelIndexColumns): Promise<void> {
  await db.kysely
    .updateTable("repos")
    .set({
      parameters: m.parameters,
      formats: JSON.stringify(m.formats),
      model_metadata: JSON.stringify(m.metadata),
      index_warnings: JSON.stringify(m.warnings),
      index_version: m.indexVersion,
    })
    .where("id", "=", repoId)
    .execute();
}

/** Replaces the base-model edges of a repo (run inside the indexer's transaction). */
export async function replaceBaseModels(db: Db, repoId: number, edges: { id: string; relation: string }[]): Promise<void> {
  await db.kysely.deleteFrom("repo_base_models").where("repo_id", "=", repoId).execute();
  if (edges.length) {
    await db.kysely
      .insertInto("repo_base_models")
      .values(edges.map((e, position) => ({ repo_id: repoId, base_model: e.id, relation: e.relation, position })))
      .execute();
  }
}

/** The base-model edges of a repo, in the card's order. */
export async function baseModelsOf(db: Db, repoId: number): Promise<BaseModelRow[]> {
  return db.kysely
    .selectFrom("repo_base_models")
    .select(["base_model", "relation", "position"])
    .where("repo_id", "=", repoId)
    .orderBy("position")
    .execute();
}

/** The weight formats of the hosted models among `ids` (`namespace/name`), by id. */
export async function modelFormats(db: Db, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const pairs = ids.map((id) => id.split("/")).filter((p): p is [string, string] => p.length === 2);
  if (!pairs.length) return out;
  const rows = await db.kysely
    .selectFrom("repos")
    .select(["namespace", "name", "formats"])
    .where("type", "=", "model")
    .where((eb) => eb.or(pairs.map(([namespace, name]) => eb.and([eb("namespace", "=", namespace), eb("name", "=", name)]))))
    .execute();
  for (const r of rows) out.set(`${r.namespace}/${r.name}`, JSON.parse(r.formats) as string[]);
  return out;
}

type Eb = ExpressionBuilder<Database, "repos" | "repo_base_models">;

/** `canRead` in SQL, exactly as the listing applies it (`readablePrivateScope`, `listRepoRows`). */
function visibleTo(scope: PrivateScope) {
  return (eb: Eb) => {
    if (scope === "all") return sql<SqlBool>`1 = 1`;
    const { namespaces, repos = [] } = scope;
    return eb.or([
      eb("repos.private", "=", 0),
      ...(namespaces.length ? [eb("repos.namespace", "in", namespaces)] : []),
      ...repos.map((r) => eb.and([eb("repos.type", "=", r.type), eb("repos.namespace", "=", r.namespace), eb("repos.name", "=", r.name)])),
    ]);
  };
}

/** How many models the caller may see derive from `baseId`, per relation. */
export async function countDerivatives(db: Db, baseId: string, scope: PrivateScope): Promise<Map<string, number>> {
  const rows = await db.kysely
    .selectFrom("repo_base_models")
    .innerJoin("repos", "repos.id", "repo_base_models.repo_id")
    .select(["repo_base_models.relation", sql<number>`count(*)`.as("n")])
    .where("repo_base_models.base_model", "=", baseId)
    .where("repos.type", "=", "model")
    .where(visibleTo(scope))
    .groupBy("repo_base_models.relation")
    .execute();
  return new Map(rows.map((r) => [r.relation, Number(r.n)]));
}

/** The first `limit` models the caller may see that derive from `baseId` by `relation`: most downloaded first, then by id. */
export async function listDerivatives(db: Db, baseId: string, relation: string, scope: PrivateScope, limit: number): Promise<RepoRow[]> {
  return db.kysely
    .selectFrom("repo_base_models")
    .innerJoin("repos", "repos.id", "repo_base_models.repo_id")
    .selectAll("repos")
    .where("repo_base_models.base_model", "=", baseId)
    .where("repo_base_models.relation", "=", relation)
    .where("repos.type", "=", "model")
    .where(visibleTo(scope))
    .orderBy("repos.downloads", "desc")
    .orderBy("repos.namespace")
    .orderBy("repos.name")
    .limit(limit)
    .execute();
}

/** Up to `limit` rows indexed by an indexer older than `version`, after row id `afterId`. */
export async function listStaleRepos(db: Db, version: number, afterId: number, limit: number): Promise<RepoRow[]> {
  return db.kysely
    .selectFrom("repos")
    .selectAll()
    .where("index_version", "<", version)
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(limit)
    .execute();
}
