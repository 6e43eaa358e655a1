import type { Selectable } from "kysely";
import type { Db } from "../connect.js";
import type { TokensTable } from "../schema.js";
import type { UserRow } from "./users.js";

export type TokenRow = Selectable<TokensTable>;

export async function insertToken(
  db: Db,
  token: { userId: number; name: string; role: string; tokenHash: string; expiresAt?: string | null; scopes?: string | null; canReadGatedRepos?: boolean },
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
      expires_at: token.expiresAt ?? null,
      scopes: token.scopes ?? null,
      can_read_gated_repos: token.canReadGatedRepos ? 1 : 0,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A user's tokens, oldest first. */
export async function listTokens(db: Db, userId: number): Promise<TokenRow[]> {
  return db.kysely.selectFrom("tokens").selectAll().where("user_id", "=", userId).orderBy("id").execute();
}

/** Deletes one of a user's tokens (revocation: the next request with it finds nothing); returns it, or undefined. */
export async function deleteToken(db: Db, userId: number, id: number): Promise<TokenRow | undefined> {
  return db.kysely.deleteFrom("tokens").where("user_id", "=", userId).where("id", "=", id).returningAll().executeTakeFirst();
}

/** An organization membership as the token look-up reads it. */
export interface MembershipRow {
  org_id: number;
  org_name: string;
  org_fullname: string;
  role: string;
}

/**
 * The token with this hash, its owner and the owner's organization
 * memberships, in one query (the hot path of every authenticated request):
 * one row per membership, or one row with null membership columns.
 */
export async function findTokenWithUser(
  db: Db,
  tokenHash: string,
): Promise<{ token: TokenRow; user: UserRow; orgs: MembershipRow[] } | undefined> {
  return findTokenWith(db, "tokens.token_hash", tokenHash);
}

/** `findTokenWithUser` by the token's row id: whether a credential that signed a link still stands. */
export async function findTokenWithUserById(db: Db, id: number): Promise<{ token: TokenRow; user: UserRow; orgs: MembershipRow[] } | undefined> {
  return findTokenWith(db, "tokens.id", id);
}

async function findTokenWith(
  db: Db,
  column: "tokens.token_hash" | "tokens.id",
  value: string | number,
): Promise<{ token: TokenRow; user: UserRow; orgs: MembershipRow[] } | undefined> {
  const rows = await db.kysely
    .selectFrom("tokens")
    .innerJoin("users", "users.id", "tokens.user_id")
    .leftJoin("org_members", "org_members.user_id", "users.id")
    .leftJoin("orgs", "orgs.id", "org_members.org_id")
    .select([
      "tokens.id as t_id", "tokens.user_id as t_user_id", "tokens.name as t_name", "tokens.role as t_role",
      "tokens.token_hash as t_token_hash", "tokens.created_at as t_created_at", "tokens.last_used_at as t_last_used_at",
      "tokens.expires_at as t_expires_at", "tokens.scopes as t_scopes", "tokens.can_read_gated_repos as t_can_read_gated_repos",
      "users.id as u_id", "users.name as u_name", "users.fullname as u_fullname", "users.email as u_email",
      "users.password_hash as u_password_hash", "users.is_admin as u_is_admin", "users.created_at as u_created_at",
      "orgs.id as o_id", "orgs.name as o_name", "orgs.fullname as o_fullname", "org_members.role as o_role",
    ])
    .where(column, "=", value)
    .orderBy("orgs.name")
    .execute();
  const row = rows[0];
  if (!row) return undefined;
  return {
    token: {
      id: row.t_id, user_id: row.t_user_id, name: row.t_name, role: row.t_role, token_hash: row.t_token_hash,
      created_at: row.t_created_at, last_used_at: row.t_last_used_at, expires_at: row.t_expires_at, scopes: row.t_scopes,
      can_read_gated_repos: row.t_can_read_gated_repos,
    },
    user: {
      id: row.u_id, name: row.u_name, fullname: row.u_fullname, email: row.u_email,
      password_hash: row.u_password_hash, is_admin: row.u_is_admin, created_at: row.u_created_at,
    },
    orgs: rows.flatMap((r) =>
      r.o_id === null || r.o_name === null || r.o_role === null
        ? []
        : [{ org_id: r.o_id, org_name: r.o_name, org_fullname: r.o_fullname ?? r.o_name, role: r.o_role }],
    ),
  };
}

export async function touchToken(db: Db, id: number, at: string): Promise<void> {
  await db.kysely.updateTable("tokens").set({ last_used_at: at }).where("id", "=", id).execute();
}
