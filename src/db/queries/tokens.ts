import type { Selectable } from "kysely";
import type { Db } from "../connect.js";
import type { TokensTable } from "../schema.js";
import type { UserRow } from "./users.js";

export type TokenRow = Selectable<TokensTable>;

export async function insertToken(
  db: Db,
  token: { userId: number; name: string; role: string; tokenHash: string },
): Promise<TokenRow> {
  return db.kysely
    .insertInto("tokens")
    .values({
      user_id: token.userId,
      name: token.name,
      role: token.role,
      token_hash: token.tokenHash,
      created_at: new Date().toISOString(),
      last_used_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The token with this hash and its owner, in one query (the hot path of every authenticated request). */
export async function findTokenWithUser(
  db: Db,
  tokenHash: string,
): Promise<{ token: TokenRow; user: UserRow } | undefined> {
  const row = await db.kysely
    .selectFrom("tokens")
    .innerJoin("users", "users.id", "tokens.user_id")
    .select([
      "tokens.id as t_id", "tokens.user_id as t_user_id", "tokens.name as t_name", "tokens.role as t_role",
      "tokens.token_hash as t_token_hash", "tokens.created_at as t_created_at", "tokens.last_used_at as t_last_used_at",
      "users.id as u_id", "users.name as u_name", "users.fullname as u_fullname", "users.email as u_email",
      "users.password_hash as u_password_hash", "users.is_admin as u_is_admin", "users.created_at as u_created_at",
    ])
    .where("tokens.token_hash", "=", tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    token: {
      id: row.t_id, user_id: row.t_user_id, name: row.t_name, role: row.t_role, token_hash: row.t_token_hash,
      created_at: row.t_created_at, last_used_at: row.t_last_used_at,
    },
    user: {
      id: row.u_id, name: row.u_name, fullname: row.u_fullname, email: row.u_email,
      password_hash: row.u_password_hash, is_admin: row.u_is_admin, created_at: row.u_created_at,
    },
  };
}

export async function touchToken(db: Db, id: number, at: string): Promise<void> {
  await db.kysely.updateTable("tokens").set({ last_used_at: at }).where("id", "=", id).execute();
}
