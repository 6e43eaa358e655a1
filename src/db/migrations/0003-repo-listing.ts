import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../connect.js";
import { searchTerms } from "../../lib/search-terms.js";

/** Migration "0003_repo_listing": Listing filters (`repo_tags`), keyset-pagination indexes, and the repo-move journal. */
export function repoListing(_dialect: Dialect): Migration {
  return {
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
  };
}
