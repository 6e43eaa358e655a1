import type { Db } from "../connect.js";

export const accessRequestStatuses = ["pending", "accepted", "rejected"] as const;
export type AccessRequestStatus = (typeof accessRequestStatuses)[number];

/** A request as the owner's lists show it: with the requester's name, full name and e-mail. */
export interface AccessRequestRow {
  userName: string;
  fullname: string;
  email: string | null;
  status: AccessRequestStatus;
  fields: Record<string, unknown>;
  rejectReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The status of `userId`'s request for `repoId`, if they made one (or were granted access). */
export async function findAccessRequestStatus(db: Db, repoId: number, userId: number): Promise<AccessRequestStatus | undefined> {
  const row = await db.kysely
    .selectFrom("access_requests")
    .select("status")
    .where("repo_id", "=", repoId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row?.status as AccessRequestStatus | undefined;
}

/**
 * Records a new request, or leaves an existing one as it is (a user asking
 * twice keeps their first request and its decision). Returns the status the
 * request has afterwards.
 */
export async function insertAccessRequest(
  db: Db,
  r: { repoId: number; userId: number; status: AccessRequestStatus; fields: Record<string, unknown> },
): Promise<AccessRequestStatus> {
  const now = new Date().toISOString();
  await db.kysely
    .insertInto("access_requests")
    .values({ repo_id: r.repoId, user_id: r.userId, status: r.status, fields: JSON.stringify(r.fields), created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(["repo_id", "user_id"]).doNothing())
    .execute();
  return (await findAccessRequestStatus(db, r.repoId, r.userId)) ?? r.status;
}

/** Moves an existing request to `status`; false when the user has none. */
export async function updateAccessRequestStatus(
  db: Db,
  repoId: number,
  userId: number,
  status: AccessRequestStatus,
  rejectReason: string | null,
): Promise<boolean> {
  const res = await db.kysely
    .updateTable("access_requests")
    .set({ status, reject_reason: rejectReason, updated_at: new Date().toISOString() })
    .where("repo_id", "=", repoId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Grants access: accepts the user's request, or records an accepted one with no answers when there is none. */
export async function upsertAcceptedAccess(db: Db, repoId: number, userId: number): Promise<void> {
  const now = new Date().toISOString();
  await db.kysely
    .insertInto("access_requests")
    .values({ repo_id: repoId, user_id: userId, status: "accepted", fields: "{}", created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(["repo_id", "user_id"]).doUpdateSet({ status: "accepted", reject_reason: null, updated_at: now }))
    .execute();
}

/** One page of a repo's requests in one state, oldest first (keyset on request time, then user id). */
export async function listAccessRequests(
  db: Db,
  repoId: number,
  status: AccessRequestStatus,
  page: { limit: number; after?: { createdAt: string; userId: number } },
): Promise<{ rows: AccessRequestRow[]; last?: { createdAt: string; userId: number } }> {
  let q = db.kysely
    .selectFrom("access_requests as a")
    .innerJoin("users as u", "u.id", "a.user_id")
    .select(["a.user_id", "u.name", "u.fullname", "u.email", "a.status", "a.fields", "a.reject_reason", "a.created_at", "a.updated_at"])
    .where("a.repo_id", "=", repoId)
    .where("a.status", "=", status);
  const after = page.after;
  if (after) {
    q = q.where((eb) =>
      eb.or([eb("a.created_at", ">", after.createdAt), eb.and([eb("a.created_at", "=", after.createdAt), eb("a.user_id", ">", after.userId)])]),
    );
  }
  const rows = await q.orderBy("a.created_at").orderBy("a.user_id").limit(page.limit + 1).execute();
  const more = rows.length > page.limit;
  const kept = rows.slice(0, page.limit);
  const lastRow = kept.at(-1);
  return {
    rows: kept.map((r) => ({
      userName: r.name,
      fullname: r.fullname,
      email: r.email,
      status: r.status as AccessRequestStatus,
      fields: JSON.parse(r.fields) as Record<string, unknown>,
      rejectReason: r.reject_reason,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })),
    ...(more && lastRow ? { last: { createdAt: lastRow.created_at, userId: lastRow.user_id } } : {}),
  };
}
