import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../connect.js";

/**
 * Migration "0006_orgs_tokens_audit": organizations and their members,
 * fine-grained and expiring tokens, who created each repo, the audit log,
 * and one namespace space for users and organizations.
 *
 * A name is a user or an organization, never both: `namespaces` holds every
 * name with a primary key, and triggers on `users` and `orgs` claim the name
 * on insert (and free it on delete), so no code path — the CLI, sign-up, an
 * org creation racing a user creation on another hub process — can create
 * both. The losing insert fails with a unique violation.
 */
export function orgsTokensAudit(dialect: Dialect): Migration {
  const id = dialect === "postgres" ? "serial" : "integer";
  const pk = (c: any) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("namespaces")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .execute();
      const users = await db.selectFrom("users").select("name").execute();
      for (const u of users) await db.insertInto("namespaces").values({ name: u.name, kind: "user" }).execute();

      await db.schema
        .createTable("orgs")
        .addColumn("id", id, pk)
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("fullname", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("org_members")
        .addColumn("org_id", "integer", (c) => c.notNull().references("orgs.id").onDelete("cascade"))
        .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("org_members_pk", ["org_id", "user_id"])
        .execute();
      // The token look-up reads a user's memberships on every request.
      await db.schema.createIndex("org_members_user").on("org_members").columns(["user_id", "org_id"]).execute();

      for (const table of ["users", "orgs"]) {
        const kind = table === "users" ? "user" : "org";
        if (dialect === "postgres") {
          await sql`
            CREATE OR REPLACE FUNCTION ${sql.raw(`${table}_claim_namespace`)}() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                INSERT INTO namespaces (name, kind) VALUES (NEW.name, ${sql.lit(kind)});
                RETURN NEW;
              END IF;
              DELETE FROM namespaces WHERE name = OLD.name AND kind = ${sql.lit(kind)};
              RETURN OLD;
            END $$ LANGUAGE plpgsql`.execute(db);
          await sql`CREATE TRIGGER ${sql.raw(`${table}_claim_namespace`)} BEFORE INSERT OR DELETE ON ${sql.table(table)}
            FOR EACH ROW EXECUTE FUNCTION ${sql.raw(`${table}_claim_namespace`)}()`.execute(db);
        } else {
          await sql`CREATE TRIGGER ${sql.raw(`${table}_claim_namespace`)} BEFORE INSERT ON ${sql.table(table)}
            BEGIN INSERT INTO namespaces (name, kind) VALUES (NEW.name, ${sql.lit(kind)}); END`.execute(db);
          await sql`CREATE TRIGGER ${sql.raw(`${table}_free_namespace`)} AFTER DELETE ON ${sql.table(table)}
            BEGIN DELETE FROM namespaces WHERE name = OLD.name AND kind = ${sql.lit(kind)}; END`.execute(db);
        }
      }

      // Fine-grained tokens: JSON array of scopes; every token may expire.
      await db.schema.alterTable("tokens").addColumn("expires_at", "text").execute();
      await db.schema.alterTable("tokens").addColumn("scopes", "text").execute();
      // A fine-grained token that may also read the files of public gated repos its user was let into.
      await db.schema.alterTable("tokens").addColumn("can_read_gated_repos", "integer", (c) => c.notNull().defaultTo(0)).execute();
      // An org's contributors may write the repos they created (huggingface.co's "contributor" role).
      await db.schema.alterTable("repos").addColumn("created_by", "integer").execute();

      await db.schema
        .createTable("audit_log")
        .addColumn("id", id, pk)
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("actor_id", "integer")
        .addColumn("actor_name", "text")
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("target", "text", (c) => c.notNull())
        .addColumn("details", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("ip", "text")
        .execute();
      await db.schema.createIndex("audit_log_action").on("audit_log").columns(["action", "id"]).execute();
    },
  };
}
