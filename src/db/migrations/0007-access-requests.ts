import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../connect.js";

/** Migration "0007_access_requests": Access requests to gated repos and the owner's decisions. */
export function accessRequests(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      // A user's request for the files of a gated repo, and the owner's decision on it.
      await db.schema
        .createTable("access_requests")
        .addColumn("repo_id", "integer", (c) => c.notNull().references("repos.id").onDelete("cascade"))
        .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("fields", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("reject_reason", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("access_requests_pk", ["repo_id", "user_id"])
        .execute();
      await db.schema.createIndex("access_requests_repo_status").on("access_requests").columns(["repo_id", "status", "created_at"]).execute();
      await db.schema.createIndex("access_requests_user").on("access_requests").column("user_id").execute();
    },
  };
}
