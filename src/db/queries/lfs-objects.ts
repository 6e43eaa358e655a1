import type { Db } from "../connect.js";

/** Records that an object is stored (idempotent) and links it to a repo (idempotent). */
export async function recordLfsObject(db: Db, repoId: number, oid: string, size: number): Promise<void> {
  const now = new Date().toISOString();
  await db.kysely.transaction().execute(async (tx) => {
    await tx
      .insertInto("lfs_objects")
      .values({ oid, size, created_at: now })
      .onConflict((oc) => oc.column("oid").doNothing())
      .execute();
    await tx
      .insertInto("repo_lfs_objects")
      .values({ repo_id: repoId, oid, created_at: now })
      .onConflict((oc) => oc.columns(["repo_id", "oid"]).doNothing())
      .execute();
  });
}

/** Linked objects among `oids` (stored and referenced by the repo), with their sizes. */
export async function findLinkedLfsObjects(db: Db, repoId: number, oids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < oids.length; i += 500) {
    const rows = await db.kysely
      .selectFrom("repo_lfs_objects")
      .innerJoin("lfs_objects", "lfs_objects.oid", "repo_lfs_objects.oid")
      .select(["lfs_objects.oid", "lfs_objects.size"])
      .where("repo_lfs_objects.repo_id", "=", repoId)
      .where("repo_lfs_objects.oid", "in", oids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.oid, r.size);
  }
  return out;
}
