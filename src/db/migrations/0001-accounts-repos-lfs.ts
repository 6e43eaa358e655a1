import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../connect.js";

/** Migration "0001_accounts_repos_lfs": Users, tokens, repos and LFS objects (the foundation). */
export function accountsReposLfs(dialect: Dialect): Migration {
  const id = dialect === "postgres" ? "serial" : "integer";
  const big = dialect === "postgres" ? "bigint" : "integer";
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("users")
        .addColumn("id", id, (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("fullname", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("email", "text")
        .addColumn("password_hash", "text")
        .addColumn("is_admin", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("tokens")
        .addColumn("id", id, (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("last_used_at", "text")
        .execute();
      await db.schema.createIndex("tokens_user_id").on("tokens").column("user_id").execute();
      await db.schema
        .createTable("repos")
        .addColumn("id", id, (c) => (dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("namespace", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("private", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addUniqueConstraint("repos_type_namespace_name", ["type", "namespace", "name"])
        .execute();
      await db.schema.createIndex("repos_namespace").on("repos").column("namespace").execute();
      await db.schema
        .createTable("lfs_objects")
        .addColumn("oid", "text", (c) => c.primaryKey())
        .addColumn("size", big, (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("repo_lfs_objects")
        .addColumn("repo_id", "integer", (c) => c.notNull().references("repos.id").onDelete("cascade"))
        .addColumn("oid", "text", (c) => c.notNull().references("lfs_objects.oid"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("repo_lfs_objects_pk", ["repo_id", "oid"])
        .execute();
      await db.schema.createIndex("repo_lfs_objects_oid").on("repo_lfs_objects").column("oid").execute();
    },
  };
}
