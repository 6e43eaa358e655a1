import { type Selectable, sql } from "kysely";
import type { Db } from "../connect.js";
import type { OrgsTable } from "../schema.js";
import type { MembershipRow } from "./tokens.js";

export type OrgRow = Selectable<OrgsTable>;

export interface OrgMemberRow {
  user_id: number;
  name: string;
  fullname: string;
  role: string;
  created_at: string;
}

/** Creates an organization and makes `adminUserId` its admin, in one transaction (the name is claimed by a trigger). */
export async function insertOrg(db: Db, org: { name: string; fullname: string; adminUserId: number }): Promise<OrgRow> {
  return db.kysely.transaction().execute(async (tx) => {
    const now = new Date().toISOString();
    const row = await tx.insertInto("orgs").values({ name: org.name, fullname: org.fullname, created_at: now }).returningAll().executeTakeFirstOrThrow();
    await tx.insertInto("org_members").values({ org_id: row.id, user_id: org.adminUserId, role: "admin", created_at: now }).execute();
    return row;
  });
}

export async function findOrgByName(db: Db, name: string): Promise<OrgRow | undefined> {
  return db.kysely.selectFrom("orgs").selectAll().where("name", "=", name).executeTakeFirst();
}

/** What kind of account owns a name: "user", "org", or undefined when nobody does. */
export async function namespaceKind(db: Db, name: string): Promise<string | undefined> {
  const row = await db.kysely.selectFrom("namespaces").select("kind").where("name", "=", name).executeTakeFirst();
  return row?.kind;
}

/** An org's members with their roles, by user name. */
export async function listOrgMembers(db: Db, orgId: number): Promise<OrgMemberRow[]> {
  return db.kysely
    .selectFrom("org_members")
    .innerJoin("users", "users.id", "org_members.user_id")
    .select(["users.id as user_id", "users.name as name", "users.fullname as fullname", "org_members.role as role", "org_members.created_at as created_at"])
    .where("org_members.org_id", "=", orgId)
    .orderBy("users.name")
    .execute();
}

export async function findOrgMember(db: Db, orgId: number, userId: number): Promise<{ role: string } | undefined> {
  return db.kysely.selectFrom("org_members").select("role").where("org_id", "=", orgId).where("user_id", "=", userId).executeTakeFirst();
}

export async function insertOrgMember(db: Db, orgId: number, userId: number, role: string): Promise<void> {
  await db.kysely.insertInto("org_members").values({ org_id: orgId, user_id: userId, role, created_at: new Date().toISOString() }).execute();
}

/**
 * Changes a member's role, or removes them (`role` null), unless that would
 * leave the org without an admin: checked and written in one transaction, so
 * two admins demoting each other at once cannot both succeed. Returns false
 * when refused for that reason.
 */
export async function changeOrgMember(db: Db, orgId: number, userId: number, role: string | null): Promise<boolean> {
  return db.kysely.transaction().execute(async (tx) => {
    // PostgreSQL: lock the org's admin rows so concurrent changes queue; SQLite serialises writers anyway.
    const admins = await tx
      .selectFrom("org_members")
      .select("user_id")
      .where("org_id", "=", orgId)
      .where("role", "=", "admin")
      .$call((q) => (db.dialect === "postgres" ? q.forUpdate() : q))
      .execute();
    const staysAdmin = role === "admin";
    if (!staysAdmin && admins.length === 1 && admins[0]!.user_id === userId) return false;
    if (role === null) {
      await tx.deleteFrom("org_members").where("org_id", "=", orgId).where("user_id", "=", userId).execute();
    } else {
      await tx.updateTable("org_members").set({ role }).where("org_id", "=", orgId).where("user_id", "=", userId).execute();
    }
    return true;
  });
}

/** A user's organization memberships (for sessions and profile pages; tokens read them in `findTokenWithUser`). */
export async function membershipsOf(db: Db, userId: number): Promise<MembershipRow[]> {
  return db.kysely
    .selectFrom("org_members")
    .innerJoin("orgs", "orgs.id", "org_members.org_id")
    .select(["orgs.id as org_id", "orgs.name as org_name", "orgs.fullname as org_fullname", "org_members.role as role"])
    .where("org_members.user_id", "=", userId)
    .orderBy("orgs.name")
    .execute();
}

/** How many public repos of each type a namespace holds (the overview's `numModels`…). */
export async function publicRepoCounts(db: Db, namespace: string): Promise<Record<string, number>> {
  const rows = await db.kysely
    .selectFrom("repos")
    .select(["type", sql<number>`count(*)`.as("n")])
    .where("namespace", "=", namespace)
    .where("private", "=", 0)
    .groupBy("type")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
}
