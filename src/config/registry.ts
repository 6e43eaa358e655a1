/**
 * The one registry of settings. Every knob Modelport has is declared here with
 * its environment variable, CLI flag, default and description; `docs/config.md`
 * lists the same table and a test keeps the two in step.
 *
 * Precedence: defaults < environment (`MODELPORT_*`) < CLI flags.
 */

export interface SettingSpec<T> {
  /** Environment variable that sets it. */
  env: string;
  /** Long CLI flag (without `--`), when there is one. */
  flag?: string;
  /** Default value when nothing sets it. */
  default: T;
  /** Parses the textual value from env or flag; throws on bad input. */
  parse: (raw: string) => T;
  /** One-line description for docs and `--help`. */
  description: string;
}

const str = (raw: string): string => raw;

const port = (raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`not a TCP port: ${raw}`);
  return n;
};

const bytes = (raw: string): number => {
  const m = /^(\d+)\s*([kmgt]?i?b?)?$/i.exec(raw.trim());
  if (!m) throw new Error(`not a size: ${raw}`);
  const unit = (m[2] ?? "").toLowerCase().replace(/i?b$/, "");
  const scale = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit];
  if (scale === undefined) throw new Error(`not a size: ${raw}`);
  return Number(m[1]) * scale;
};

const url = (raw: string): string => {
  if (raw === "") return raw;
  const u = new URL(raw);
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error(`not an http(s) URL: ${raw}`);
  return raw.replace(/\/+$/, "");
};

const logLevel = (raw: string): string => {
  const levels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
  if (!levels.includes(raw)) throw new Error(`log level must be one of ${levels.join(", ")}`);
  return raw;
};

export const settings = {
  host: {
    env: "MODELPORT_HOST", flag: "host", default: "0.0.0.0", parse: str,
    description: "Address the HTTP server listens on.",
  },
  port: {
    env: "MODELPORT_PORT", flag: "port", default: 8080, parse: port,
    description: "TCP port the HTTP server listens on (0 picks a free one).",
  },
  dataDir: {
    env: "MODELPORT_DATA", flag: "data", default: "./data", parse: str,
    description: "Data folder: SQLite database, bare git repos, LFS objects, temp uploads.",
  },
  databaseUrl: {
    env: "MODELPORT_DATABASE_URL", flag: "database-url", default: "", parse: str,
    description: "Metadata database. Empty: SQLite at `<data>/modelport.db`. `postgres://user@host:5432/db` for PostgreSQL.",
  },
  publicUrl: {
    env: "MODELPORT_PUBLIC_URL", flag: "public-url", default: "", parse: url,
    description: "Base URL clients reach the hub at, used in absolute links (LFS hrefs, repo URLs). Empty: taken from each request's Host header.",
  },
  secret: {
    env: "MODELPORT_SECRET", flag: undefined, default: "", parse: str,
    description: "Key that signs short-lived LFS transfer URLs. Empty: a random key kept in `<data>/secret`. Set the same value on every hub process behind a load balancer.",
  },
  lfsUrlTtlSeconds: {
    env: "MODELPORT_LFS_URL_TTL", flag: undefined, default: 3600, parse: (raw: string) => {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive number of seconds: ${raw}`);
      return n;
    },
    description: "Lifetime in seconds of the signed LFS upload and download URLs the batch API hands out.",
  },
  maxLfsObjectSize: {
    env: "MODELPORT_MAX_LFS_OBJECT_SIZE", flag: undefined, default: 1024 ** 4 / 2, parse: bytes,
    description: "Largest LFS object accepted (bytes, or with a unit: `50G`). Default 512 GiB.",
  },
  logLevel: {
    env: "MODELPORT_LOG_LEVEL", flag: "log-level", default: "info", parse: logLevel,
    description: "Log level: fatal, error, warn, info, debug, trace or silent.",
  },
} satisfies Record<string, SettingSpec<unknown>>;

export type SettingName = keyof typeof settings;
export type Config = { [K in SettingName]: (typeof settings)[K]["default"] };
