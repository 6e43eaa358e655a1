import type { Selectable } from "kysely";
import type { Db } from "../connect.js";
import type { WebSessionsTable } from "../schema.js";
import type { UserRow } from "./users.js";

export type WebSessionRow = Selectable<WebSessionsTable>;

export async function insertWebSession(db: Db, row: WebSessionRow): Promise<void> {
  await db.kysely.insertInto("web_sessions").values(row).execute();
}

/** The session with this id hash and its user, in one query. */
export async function findWebSessionWithUser(db: Db, idHash: string): Promise<{ session: WebSessionRow; user: UserRow } | undefined> {
  const row = await db.kysely
    .selectFrom("web_sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select([
      "s.id_hash", "s.user_id", "s.csrf_token", "s.created_at as session_created_at", "s.expires_at",
      "u.id", "u.name", "u.fullname", "u.email", "u.password_hash", "u.is_admin", "u.created_at",
    ])
    .where("s.id_hash", "=", idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    session: { id_hash: row.id_hash, user_id: row.user_id, csrf_token: row.csrf_token, created_at: row.session_created_at, expires_at: row.expires_at },
    user: { id: row.id, name: row.name, fullname: row.fullname, email: row.email, password_hash: row.password_hash, is_admin: row.is_admin, created_at: row.created_at },
  };
}

export async function deleteWebSession(db: Db, idHash: string): Promise<void> {
  await db.kysely.deleteFrom("web_sessions").where("id_hash", "=", idHash).execute();
}

/** Removes sessions past their expiry (ISO strings compare in time order). */
export async function deleteExpiredWebSessions(db: Db, nowIso: string): Promise<void> {
  await db.kysely.deleteFrom("web_sessions").where("expires_at", "<=", nowIso).execute();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.kysely.selectFrom("users").select((eb) => eb.fn.countAll<number | string>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}
