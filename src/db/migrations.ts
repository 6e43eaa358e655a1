import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Dialect } from "./connect.js";
import { searchTerms } from "../lib/search-terms.js";

/**
 * Schema migrations, oldest first. Each runs on SQLite and PostgreSQL; the
 * `id` helper picks the auto-increment spelling of each.
 */
function migrations(dialect: Dialect): Record<string, Migration> {
  const id = dialect === "postgres" ? "serial" : "integer";
  const big = dialect === "postgres" ? "bigint" : "integer";
  return {
    "0001_accounts_repos_lfs": {
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
    },
    "0002_repo_metadata": {
      async up(db: Kysely<any>) {
        // What the Hub reports about a repo, indexed from its default branch on every change.
        const columns: [string, "text" | "integer", unknown][] = [
          ["gated", "text", "false"],
          ["downloads", "integer", 0],
          ["likes", "integer", 0],
          ["sha", "text", ""],
          ["card_data", "text", "{}"],
          ["tags", "text", "[]"],
          ["pipeline_tag", "text", null],
          ["library_name", "text", null],
          ["card_error", "text", null],
        ];
        for (const [name, type, dflt] of columns) {
          await db.schema
            .alterTable("repos")
            .addColumn(name, type, (c) => (dflt === null ? c : c.notNull().defaultTo(dflt)))
            .execute();
        }
        await db.schema.createIndex("repos_type_updated").on("repos").columns(["type", "updated_at"]).execute();
      },
    },
    "0003_repo_listing": {
      async up(db: Kysely<any>) {
        // The terms `filter=` matches (tags and their `key:value` forms), one row each, kept by RepoIndexer.
        await db.schema
          .createTable("repo_tags")
          .addColumn("repo_id", "integer", (c) => c.notNull().references("repos.id").onDelete("cascade"))
          .addColumn("tag", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint("repo_tags_pk", ["repo_id", "tag"])
          .execute();
        await db.schema.createIndex("repo_tags_tag").on("repo_tags").columns(["tag", "repo_id"]).execute();
        // Keyset pagination walks one of these per listing sort.
        await db.schema.createIndex("repos_type_created").on("repos").columns(["type", "created_at"]).execute();
        await db.schema.createIndex("repos_type_downloads").on("repos").columns(["type", "downloads"]).execute();
        await db.schema.createIndex("repos_type_likes").on("repos").columns(["type", "likes"]).execute();
        // A repo move in progress: lets start-up put the folder back in step with the row after a crash.
        await db.schema
          .createTable("repo_moves")
          .addColumn("repo_id", "integer", (c) => c.primaryKey().references("repos.id").onDelete("cascade"))
          .addColumn("from_namespace", "text", (c) => c.notNull())
          .addColumn("from_name", "text", (c) => c.notNull())
          .addColumn("to_namespace", "text", (c) => c.notNull())
          .addColumn("to_name", "text", (c) => c.notNull())
          .addColumn("created_at", "text", (c) => c.notNull())
          .execute();
        // Index the repos that exist already.
        const rows = await db.selectFrom("repos").select(["id", "tags", "card_data", "pipeline_tag", "library_name"]).execute();
        for (const r of rows) {
          const tags = searchTerms({
            cardData: JSON.parse(r.card_data),
            tags: JSON.parse(r.tags),
            pipelineTag: r.pipeline_tag,
            libraryName: r.library_name,
          });
          if (tags.length) await db.insertInto("repo_tags").values(tags.map((tag) => ({ repo_id: r.id, tag }))).execute();
        }
      },
    },
  };
}

/** Brings the schema up to date; safe to run from several processes at once on PostgreSQL. */
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ""} failed: ${(error as Error)?.message ?? error}`);
  }
  if (dialect === "sqlite") await sql`PRAGMA optimize`.execute(db);
}
