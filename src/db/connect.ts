import { mkdirSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./migrations.js";
import type { Database } from "./schema.js";

export type Dialect = "sqlite" | "postgres";

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Closes the pool or file handle; idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the metadata database named by `databaseUrl` (`postgres://…`), or the
 * embedded SQLite file in the data folder when it is empty, and migrates it.
 */
export async function openDb(opts: { databaseUrl: string; dataDir: string }): Promise<Db> {
  const { databaseUrl, dataDir } = opts;
  let kysely: Kysely<Database>;
  let dialect: Dialect;
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    dialect = "postgres";
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: 10,
      // BIGINT (oid 20) holds LFS sizes; they stay far below 2^53, so read them as numbers.
      types: { getTypeParser: (oid: number, format?: any) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)) } as any,
    });
    kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else if (databaseUrl === "" || databaseUrl.startsWith("sqlite:")) {
    dialect = "sqlite";
    const file = databaseUrl === "" ? path.join(dataDir, "modelport.db") : databaseUrl.slice("sqlite:".length);
    if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SQLite(file);
    // WAL lets the CLI write (users, tokens) while a server reads the same file.
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("synchronous = NORMAL");
    kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  } else {
    throw new Error("MODELPORT_DATABASE_URL must be empty (SQLite), sqlite:<file>, or postgres://…");
  }
  await migrateToLatest(kysely, dialect);
  let closed = false;
  return {
    kysely,
    dialect,
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy();
    },
  };
}

/** True when an error from either driver is a unique-constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
