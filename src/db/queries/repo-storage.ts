import type { Db } from "../connect.js";

/** Total size of the LFS objects linked to a repo (one indexed aggregate over `repo_lfs_objects`). */
export async function sumLinkedLfsSize(db: Db, repoId: number): Promise<number> {
  const row = await db.kysely
    .selectFrom("repo_lfs_objects")
    .innerJoin("lfs_objects", "lfs_objects.oid", "repo_lfs_objects.oid")
    .select((eb) => eb.fn.sum<string | number | null>("lfs_objects.size").as("total"))
    .where("repo_lfs_objects.repo_id", "=", repoId)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}
