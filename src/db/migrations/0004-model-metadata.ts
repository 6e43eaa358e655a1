import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../connect.js";

/** Migration "0004_model_metadata": What RepoIndexer reads from model files (config.json, GGUF and safetensors headers) and the model tree's base-model edges. */
export function modelMetadata(dialect: Dialect): Migration {
  const big = dialect === "postgres" ? "bigint" : "integer";
  return {
    async up(db: Kysely<any>) {
      // What RepoIndexer reads from a model's files (config.json, GGUF and safetensors headers), kept per repo.
      await db.schema.alterTable("repos").addColumn("parameters", big).execute();
      const columns: [string, "text" | "integer", unknown][] = [
        ["formats", "text", "[]"],
        ["model_metadata", "text", "{}"],
        ["index_warnings", "text", "[]"],
        // Rows indexed by an older indexer (0 = before this migration) are re-indexed at start-up.
        ["index_version", "integer", 0],
      ];
      for (const [name, type, dflt] of columns) {
        await db.schema.alterTable("repos").addColumn(name, type, (c) => c.notNull().defaultTo(dflt)).execute();
      }
      await db.schema.createIndex("repos_type_parameters").on("repos").columns(["type", "parameters"]).execute();
      await db.schema.createIndex("repos_index_version").on("repos").columns(["index_version", "id"]).execute();
      // The model tree: one edge per repo and base model its card names, found from either end.
      await db.schema
        .createTable("repo_base_models")
        .addColumn("repo_id", "integer", (c) => c.notNull().references("repos.id").onDelete("cascade"))
        .addColumn("base_model", "text", (c) => c.notNull())
        .addColumn("relation", "text", (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("repo_base_models_pk", ["repo_id", "base_model"])
        .execute();
      await db.schema.createIndex("repo_base_models_base").on("repo_base_models").columns(["base_model", "relation", "repo_id"]).execute();
    },
  };
}
