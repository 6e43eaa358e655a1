import type { Selectable } from "kysely";
import type { Db } from "../connect.js";
import type { UsersTable } from "../schema.js";

export type UserRow = Selectable<UsersTable>;

export async function insertUser(
  db: Db,
  user: { name: string; fullname?: string; email?: string | null; passwordHash?: string | null; isAdmin: boolean },
): Promise<UserRow> {
  return db.kysely
    .insertInto("users")
    .values({
      name: user.name,
      fullname: user.fullname ?? user.name,
      email: user.email ?? null,
      password_hash: user.passwordHash ?? null,
      is_admin: user.isAdmin ? 1 : 0,
      created_at: new Date().toISOString(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findUserByName(db: Db, name: string): Promise<UserRow | undefined> {
  return db.kysely.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.kysely.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}
