import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../connect.js";

/**
 * "0008_web_sessions": sign-ins of the web app. The cookie holds a random
 * session id; only its sha256 is stored, so a copy of the database opens no
 * session. Rows go at sign-out, on expiry (found expired, or swept at sign-in)
 * and with their user.
 */
export function webSessionsMigration(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("web_sessions")
        .addColumn("id_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("csrf_token", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("web_sessions_user").on("web_sessions").column("user_id").execute();
      await db.schema.createIndex("web_sessions_expires").on("web_sessions").column("expires_at").execute();
    },
  };
}
