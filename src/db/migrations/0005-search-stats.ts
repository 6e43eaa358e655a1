import { type Kysely, type Migration, sql } from "kysely";
import { documentText, repoDocumentParts } from "../../lib/search-text.js";
import type { Dialect } from "../connect.js";
import { searchIndexFor } from "../search/search-index.js";

/**
 * Migration "0005_search_stats": the full-text index (`repo_search`, see
 * `db/search/search-index.ts`), per-day download counts, likes, and the
 * counters listings sort on (`downloads` is now the last 30 days,
 * `downloads_all_time` and `trending_score` are new).
 */
export function searchStatsMigration(dialect: Dialect): Migration {
  const big = dialect === "postgres" ? "bigint" : "integer";
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable("repos").addColumn("downloads_all_time", big, (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable("repos").addColumn("trending_score", big, (c) => c.notNull().defaultTo(0)).execute();
      // Until now `downloads` counted all time; keep that count.
      await db.updateTable("repos").set({ downloads_all_time: sql`downloads` }).execute();
      await db.schema.createIndex("repos_type_trending").on("repos").columns(["type", "trending_score"]).execute();
      // The task is the filter listings get most: walk only that task's repos in the two default orders.
      await db.schema.createIndex("repos_type_task_downloads").on("repos").columns(["type", "pipeline_tag", "downloads"]).execute();
      await db.schema.createIndex("repos_type_task_trending").on("repos").columns(["type", "pipeline_tag", "trending_score"]).execute();

      // Downloads per repo and UTC day: the 30-day count and the trending score are sums over these.
      await db.schema
        .createTable("repo_downloads")
        .addColumn("repo_id", "integer", (c) => c.notNull().references("repos.id").onDelete("cascade"))
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("count", big, (c) => c.notNull())
        .addPrimaryKeyConstraint("repo_downloads_pk", ["repo_id", "day"])
        .execute();
      await db.schema.createIndex("repo_downloads_day").on("repo_downloads").columns(["day", "repo_id"]).execute();

      await db.schema
        .createTable("repo_likes")
        .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("repo_id", "integer", (c) => c.notNull().references("repos.id").onDelete("cascade"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("repo_likes_pk", ["user_id", "repo_id"])
        .execute();
      await db.schema.createIndex("repo_likes_repo").on("repo_likes").columns(["repo_id", "created_at"]).execute();
      await db.schema.createIndex("repo_likes_created").on("repo_likes").columns(["created_at"]).execute();

      if (dialect === "postgres") {
        await sql`create table repo_search (
          repo_id integer primary key references repos(id) on delete cascade,
          document tsvector not null
        )`.execute(db);
        // fastupdate off: no pending list of unsorted entries for every search to scan until the next vacuum
        // (documents change once per push, so the slower write costs nothing that matters).
        await sql`create index repo_search_document on repo_search using gin (document) with (fastupdate = off)`.execute(db);
        // Id substrings (`search=`) through a trigram index, where pg_trgm can be installed: it ships with
        // PostgreSQL and is a trusted extension (PostgreSQL 13+), so a database owner may create it.
        // Without it the same LIKE scans the table: slower on large hubs, same answers.
        const { rows } = await sql<{ ok: boolean }>`select exists (select 1 from pg_available_extensions where name = 'pg_trgm')
          and has_database_privilege(current_database(), 'CREATE') as ok`.execute(db);
        if (rows[0]?.ok) {
          await sql`create extension if not exists pg_trgm`.execute(db);
          await sql`create index repos_id_trgm on repos using gin ((lower(namespace || '/' || name)) gin_trgm_ops) with (fastupdate = off)`.execute(db);
        }
      } else {
        // rowid = repos.id; a virtual table takes no foreign key, so a trigger follows deletions.
        await sql`create virtual table repo_search using fts5(body, tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
        // Ids for substring search, as trigrams; triggers keep them in step with `repos`, renames included.
        await sql`create virtual table repo_ids using fts5(id_text, tokenize = 'trigram')`.execute(db);
        await sql`insert into repo_ids (rowid, id_text) select id, lower(namespace || '/' || name) from repos`.execute(db);
        await sql`create trigger repos_ids_insert after insert on repos begin
          insert into repo_ids (rowid, id_text) values (new.id, lower(new.namespace || '/' || new.name));
        end`.execute(db);
        await sql`create trigger repos_ids_rename after update of namespace, name on repos begin
          delete from repo_ids where rowid = old.id;
          insert into repo_ids (rowid, id_text) values (new.id, lower(new.namespace || '/' || new.name));
        end`.execute(db);
        await sql`create trigger repos_search_delete after delete on repos begin
          delete from repo_search where rowid = old.id;
          delete from repo_ids where rowid = old.id;
        end`.execute(db);
      }

      // Index the repos that exist already, from what the database knows of them (their id and
      // card metadata); the README prose joins the document on the repo's next change.
      const rows = await db.selectFrom("repos").select(["id", "namespace", "name", "card_data", "tags"]).execute();
      const docs = rows.map((r) => ({
        repoId: r.id as number,
        document: documentText(
          repoDocumentParts({ id: `${r.namespace}/${r.name}`, cardData: JSON.parse(r.card_data), tags: JSON.parse(r.tags), prose: "" }),
        ),
      }));
      await searchIndexFor(dialect).insertMany({ kysely: db, dialect, close: async () => {} }, docs);
    },
  };
}
