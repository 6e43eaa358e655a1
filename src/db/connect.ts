import { mkdirSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./migrations.js";
import type { Database } from "./schema.js";

export type Dialect = "sqlite" | "postgres";

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /**
   * A number that is different after any commit to the database, by this
   * process or any other, so a value read when it was `m` is still current
   * while it still reads `m`; read it before the value. Only where it costs far
   * less than a query: SQLite (`PRAGMA data_version` plus this connection's own
   * writes). Absent for PostgreSQL, where asking is a round trip like the
   * query itself, and a `LISTEN`/`NOTIFY` invalidation arrives only after the
   * commit, so a reader in between would get the old row.
   */
  changeMark?: () => number;
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
  let changeMark: (() => number) | undefined;
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    dialect = "postgres";
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: 10,
      // BIGINT (oid 20) holds LFS sizes; they stay far below 2^53, so read them as numbers.
      types: { getTypeParser: (oid: number, format?: any) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)) } as any,
    });
    // An idle connection the server ends (restart, failover, an admin's terminate) is dropped by the
    // pool and replaced on the next query; unhandled, its error would end the whole process.
    pool.on("error", () => {});
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
    const connection = reusingStatements(sqlite);
    changeMark = connection.changeMark;
    kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  } else {
    throw new Error("MODELPORT_DATABASE_URL must be empty (SQLite), sqlite:<file>, or postgres://…");
  }
  await migrateToLatest(kysely, dialect);
  let closed = false;
  return {
    kysely,
    dialect,
    ...(changeMark && { changeMark }),
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy();
    },
  };
}

/** Distinct SQL texts whose prepared statements are kept (`in (?, ?, …)` lists make a few per query). */
const maxCachedStatements = 512;

/**
 * The SQLite handle as Kysely's driver sees it, with `prepare` remembered by
 * SQL text: Kysely prepares every query afresh (SqliteConnection.executeQuery),
 * and compiling the SQL is a third of a small query's time. A statement keeps
 * no state between runs except while an `iterate()` is open (`busy`), when a
 * fresh one is prepared instead. Kysely never changes a statement's modes
 * (`raw`, `pluck`, `expand`), so a reused one behaves like a new one; SQLite
 * recompiles a statement itself when the schema changes.
 *
 * It also keeps `changeMark` (see `Db`): SQLite's `data_version` moves when
 * another connection commits, and every statement that may write (`readonly`
 * false: INSERT…RETURNING included, BEGIN/COMMIT not) moves it when Kysely
 * prepares it, just before it runs in the same tick. A write inside a
 * transaction moves it before the commit; a reader that sees the new mark
 * then queries through the same connection, which Kysely hands out only after
 * the transaction ends. While a transaction is open every call is a new mark.
 */
function reusingStatements(sqlite: SQLite.Database): SqliteDatabase & { changeMark: () => number } {
  const statements = new Map<string, SQLite.Statement>();
  const dataVersion = sqlite.prepare("PRAGMA data_version").pluck();
  let mark = 0;
  let lastDataVersion: unknown;
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = statements.get(sql);
      if (stmt && !stmt.busy) {
        statements.delete(sql); // re-insert: Map order is the LRU order
        statements.set(sql, stmt);
      } else if (stmt) {
        stmt = sqlite.prepare(sql); // the kept one is in an open iterator; this one is used once
      } else {
        stmt = sqlite.prepare(sql);
        statements.set(sql, stmt);
        if (statements.size > maxCachedStatements) statements.delete(statements.keys().next().value!);
      }
      if (!stmt.readonly) mark++;
      return stmt;
    },
    changeMark() {
      // Inside a transaction (a Kysely one awaiting other work) the pragma would see the transaction's
      // snapshot, not other processes' commits since: answer "changed", so callers query (and wait for it).
      if (sqlite.inTransaction) return ++mark;
      // A read, so it is allowed even while an iterator is open on the connection.
      const v = dataVersion.get();
      if (v !== lastDataVersion) {
        lastDataVersion = v;
        mark++;
      }
      return mark;
    },
  };
}

/** True when an error from either driver is a unique-constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
