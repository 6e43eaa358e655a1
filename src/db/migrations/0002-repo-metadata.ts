import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../connect.js";

/** Migration "0002_repo_metadata": What the Hub reports about a repo, indexed from its default branch on every change. */
export function repoMetadata(_dialect: Dialect): Migration {
  return {
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
  };
}
