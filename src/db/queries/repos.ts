import type { Selectable } from "kysely";
import type { Db } from "../connect.js";
import type { ReposTable } from "../schema.js";

export type RepoRow = Selectable<ReposTable>;

export interface RepoKey {
  type: string;
  namespace: string;
  name: string;
}

export async function insertRepo(db: Db, repo: RepoKey & { private: boolean; createdBy?: number | null }): Promise<RepoRow> {
  const now = new Date().toISOString();
  const { createdBy, ...key } = repo;
  return db.kysely
    .insertInto("repos")
    .values({ ...key, private: repo.private ? 1 : 0, created_by: createdBy ?? null, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findRepo(db: Db, key: RepoKey): Promise<RepoRow | undefined> {
  return db.kysely
    .selectFrom("repos")
    .selectAll()
    .where("type", "=", key.type)
    .where("namespace", "=", key.namespace)
    .where("name", "=", key.name)
    .executeTakeFirst();
}

export async function deleteRepoRow(db: Db, id: number): Promise<void> {
  await db.kysely.transaction().execute(async (tx) => {
    await tx.deleteFrom("repo_lfs_objects").where("repo_id", "=", id).execute();
    await tx.deleteFrom("repos").where("id", "=", id).execute();
  });
}

export interface RepoMetadata {
  sha: string;
  cardData: Record<string, unknown>;
  tags: string[];
  pipelineTag: string | null;
  libraryName: string | null;
  cardError: string | null;
}

/** Stores what indexing the default branch found, and marks the repo modified. */
export async function updateRepoMetadata(db: Db, id: number, m: RepoMetadata): Promise<void> {
  await db.kysely
    .updateTable("repos")
    .set({
      sha: m.sha,
      card_data: JSON.stringify(m.cardData),
      tags: JSON.stringify(m.tags),
      pipeline_tag: m.pipelineTag,
      library_name: m.libraryName,
      card_error: m.cardError,
      updated_at: new Date().toISOString(),
    })
    .where("id", "=", id)
    .execute();
}
