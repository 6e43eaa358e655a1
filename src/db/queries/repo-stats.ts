import { type RawBuilder, sql } from "kysely";
import type { Db } from "../connect.js";
import type { RepoRow } from "./repos.js";

/**
 * Download and like statistics of repos. `repos.downloads` is the last 30
 * days (what the Hub's `downloads` means), `downloads_all_time` every
 * download, and `trending_score` a sum over the last 7 days where each
 * download counts `7 - age in days` and each like ten times that: recent
 * activity outranks old popularity, and yesterday still counts.
 */

/** Days a download counts toward `downloads`. */
export const downloadsWindowDays = 30;
/** Days of activity the trending score looks at. */
export const trendingDays = 7;
/** A like weighs as much as this many downloads of the same day. */
export const likeWeight = 10;

/** The UTC day `daysAgo` days before `now`, as `YYYY-MM-DD`. */
export function dayOf(now: Date, daysAgo = 0): string {
  return new Date(now.getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/** Records downloads counted since the last flush, per repo id, on `now`'s day: one transaction. */
export async function addDownloads(db: Db, counts: Map<number, number>, now: Date): Promise<void> {
  if (counts.size === 0) return;
  const day = dayOf(now);
  await db.kysely.transaction().execute(async (tx) => {
    for (const [repoId, n] of counts) {
      // The repo row first: a repo deleted since the download counts nothing (and its
      // locked row keeps a concurrent delete out until the day's count is in).
      const updated = await tx
        .updateTable("repos")
        .set({
          downloads: sql`downloads + ${n}`,
          downloads_all_time: sql`downloads_all_time + ${n}`,
          // Today's downloads weigh `trendingDays` in the score; the daily recount ages them.
          trending_score: sql`trending_score + ${n * trendingDays}`,
        })
        .where("id", "=", repoId)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) continue;
      await tx
        .insertInto("repo_downloads")
        .values({ repo_id: repoId, day, count: n })
        .onConflict((oc) => oc.columns(["repo_id", "day"]).doUpdateSet({ count: sql`repo_downloads.count + excluded.count` }))
        .execute();
    }
  });
}

/** The trending score and 30-day downloads of `repos.id`, as SQL over the per-day tables. */
function recountSet(now: Date): { downloads: RawBuilder<number>; trending_score: RawBuilder<number> } {
  const days = Array.from({ length: trendingDays }, (_, age) => dayOf(now, age));
  const downloadWeight = sql.join(days.map((d, age) => sql`when ${d} then ${trendingDays - age}`), sql` `);
  // created_at is a full ISO time: it is on day d or later when it sorts at or after "d".
  const likeAge = sql.join(days.map((d, age) => sql`when l.created_at >= ${d} then ${(trendingDays - age) * likeWeight}`), sql` `);
  const oldest = days.at(-1)!;
  return {
    downloads: sql<number>`coalesce((select sum(d.count) from repo_downloads d
      where d.repo_id = repos.id and d.day >= ${dayOf(now, downloadsWindowDays - 1)}), 0)`,
    trending_score: sql<number>`coalesce((select sum(d.count * (case d.day ${downloadWeight} else 0 end)) from repo_downloads d
        where d.repo_id = repos.id and d.day >= ${oldest}), 0)
      + coalesce((select sum(case ${likeAge} else 0 end) from repo_likes l
        where l.repo_id = repos.id and l.created_at >= ${oldest}), 0)`,
  };
}

/** Recounts one repo's 30-day downloads and trending score (after an unlike, say). */
export async function recountRepo(db: Db, repoId: number, now: Date): Promise<void> {
  await db.kysely.updateTable("repos").set(recountSet(now)).where("id", "=", repoId).execute();
}

/**
 * Recounts every repo with recent activity or a non-zero count, so counts age
 * as days pass; drops per-day rows older than any window.
 */
export async function recountAll(db: Db, now: Date): Promise<void> {
  const since30 = dayOf(now, downloadsWindowDays - 1);
  const since7 = dayOf(now, trendingDays - 1);
  await db.kysely
    .updateTable("repos")
    .set(recountSet(now))
    .where((eb) =>
      eb.or([
        eb("downloads", "<>", 0),
        eb("trending_score", "<>", 0),
        eb("id", "in", eb.selectFrom("repo_downloads").select("repo_id").where("day", ">=", since30)),
        eb("id", "in", eb.selectFrom("repo_likes").select("repo_id").where("created_at", ">=", since7)),
      ]),
    )
    .execute();
  await db.kysely.deleteFrom("repo_downloads").where("day", "<", since30).execute();
}

/** Adds a like; false when the user already liked the repo. */
export async function insertLike(db: Db, userId: number, repoId: number, now: Date): Promise<boolean> {
  return db.kysely.transaction().execute(async (tx) => {
    const added = await tx
      .insertInto("repo_likes")
      .values({ user_id: userId, repo_id: repoId, created_at: now.toISOString() })
      .onConflict((oc) => oc.columns(["user_id", "repo_id"]).doNothing())
      .executeTakeFirst();
    if (Number(added.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
    await tx
      .updateTable("repos")
      .set({ likes: sql`likes + 1`, trending_score: sql`trending_score + ${trendingDays * likeWeight}` })
      .where("id", "=", repoId)
      .execute();
    return true;
  });
}

/** Removes a like; false when there was none. */
export async function deleteLike(db: Db, userId: number, repoId: number, now: Date): Promise<boolean> {
  return db.kysely.transaction().execute(async (tx) => {
    const removed = await tx.deleteFrom("repo_likes").where("user_id", "=", userId).where("repo_id", "=", repoId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) return false;
    await tx.updateTable("repos").set({ likes: sql`likes - 1` }).where("id", "=", repoId).execute();
    await recountRepo({ ...db, kysely: tx }, repoId, now);
    return true;
  });
}

/** Whether a user likes a repo. */
export async function hasLike(db: Db, userId: number, repoId: number): Promise<boolean> {
  const row = await db.kysely.selectFrom("repo_likes").select("repo_id").where("user_id", "=", userId).where("repo_id", "=", repoId).executeTakeFirst();
  return row !== undefined;
}

/** The repos a user likes, newest like first (`liked_at`), as full rows for the caller's visibility check. */
export async function likesOfUser(db: Db, userId: number, limit: number): Promise<(RepoRow & { liked_at: string })[]> {
  return db.kysely
    .selectFrom("repo_likes")
    .innerJoin("repos", "repos.id", "repo_likes.repo_id")
    .selectAll("repos")
    .select("repo_likes.created_at as liked_at")
    .where("repo_likes.user_id", "=", userId)
    .orderBy("repo_likes.created_at", "desc")
    .orderBy("repos.id", "desc")
    .limit(limit)
    .execute();
}

/** The users who like a repo, newest first. */
export async function likersOfRepo(db: Db, repoId: number, limit: number): Promise<{ name: string; fullname: string }[]> {
  return db.kysely
    .selectFrom("repo_likes")
    .innerJoin("users", "users.id", "repo_likes.user_id")
    .select(["users.name", "users.fullname"])
    .where("repo_likes.repo_id", "=", repoId)
    .orderBy("repo_likes.created_at", "desc")
    .orderBy("users.id", "desc")
    .limit(limit)
    .execute();
}
