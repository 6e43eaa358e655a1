import type { Selectable } from "kysely";
import type { Db } from "../connect.js";
import type { AuditLogTable } from "../schema.js";

export type AuditRow = Selectable<AuditLogTable>;

export async function insertAuditEvent(db: Db, e: Omit<AuditRow, "id">): Promise<void> {
  await db.kysely.insertInto("audit_log").values(e).execute();
}

/** Newest first, starting below `beforeId` (keyset pagination), optionally of one action. */
export async function listAuditEvents(db: Db, q: { beforeId?: number; action?: string; limit: number }): Promise<AuditRow[]> {
  let query = db.kysely.selectFrom("audit_log").selectAll();
  if (q.beforeId !== undefined) query = query.where("id", "<", q.beforeId);
  if (q.action !== undefined) query = query.where("action", "=", q.action);
  return query.orderBy("id", "desc").limit(q.limit).execute();
}
