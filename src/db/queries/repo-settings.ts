import type { Selectable } from "kysely";
import type { Db } from "../connect.js";
import type { RepoMovesTable } from "../schema.js";
import type { RepoKey, RepoRow } from "./repos.js";

export type RepoMoveRow = Selectable<RepoMovesTable>;

/** Sets a repo's visibility and gating; returns the updated row. */
export async function updateRepoSettings(
  db: Db,
  id: number,
  s: { private?: boolean; gated?: "false" | "auto" | "manual" },
): Promise<RepoRow | undefined> {
  return db.kysely
    .updateTable("repos")
    .set({
      ...(s.private === undefined ? {} : { private: s.private ? 1 : 0 }),
      ...(s.gated === undefined ? {} : { gated: s.gated }),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Renames a repo row, only if it still has the name `from` (so two moves of
 * the same repo cannot both apply). False when it no longer had that name; a
 * unique violation when `to` is taken.
 */
export async function renameRepoRow(db: Db, id: number, from: RepoKey, to: { namespace: string; name: string }): Promise<boolean> {
  const res = await db.kysely
    .updateTable("repos")
    .set({ namespace: to.namespace, name: to.name })
    .where("id", "=", id)
    .where("type", "=", from.type)
    .where("namespace", "=", from.namespace)
    .where("name", "=", from.name)
    .executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

/** The repo row by id, locked until the transaction ends where the database has row locks (PostgreSQL). */
export async function lockRepoRow(db: Db, id: number): Promise<RepoRow | undefined> {
  const q = db.kysely.selectFrom("repos").selectAll().where("id", "=", id);
  // SQLite has no FOR UPDATE; its write transactions hold the whole database.
  return (db.dialect === "postgres" ? q.forUpdate() : q).executeTakeFirst();
}

/** Records a move about to happen; a unique violation when one of this repo is already under way. */
export async function insertRepoMove(db: Db, m: Omit<RepoMoveRow, "created_at">): Promise<void> {
  await db.kysely.insertInto("repo_moves").values({ ...m, created_at: new Date().toISOString() }).execute();
}

export async function deleteRepoMove(db: Db, repoId: number): Promise<void> {
  await db.kysely.deleteFrom("repo_moves").where("repo_id", "=", repoId).execute();
}

export async function listRepoMoves(db: Db): Promise<RepoMoveRow[]> {
  return db.kysely.selectFrom("repo_moves").selectAll().orderBy("repo_id").execute();
}
