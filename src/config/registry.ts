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

const count = (raw: string, min: number, max: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`not a whole number between ${min} and ${max}: ${raw}`);
  return n;
};

/** A model id pattern routed to an OpenAI-compatible server (`MODELPORT_UPSTREAMS`). */
export interface UpstreamRoute {
  /** A model id, or one with a single `*` (`vllm/*`). */
  pattern: string;
  /** The server's OpenAI base URL, up to and including `/v1` (KServe: `…/openai/v1`). */
  baseURL: string;
  /** Key the hub sends upstream; callers' tokens are never forwarded. */
  apiKey?: string;
  /** Model name upstream; a `*` in it takes what the pattern's `*` matched. Default: the id as called. */
  model?: string;
  /** Who may call it: any caller (`public`) or only those with a token (`authenticated`, the default). */
  access: "public" | "authenticated";
}

const upstreamRoutes = (raw: string): UpstreamRoute[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error("not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error('expected {"<model id pattern>": {"baseURL": …}}');
  return Object.entries(parsed as Record<string, unknown>).map(([pattern, v]) => {
    if (pattern === "" || pattern.split("*").length > 2) throw new Error(`pattern "${pattern}" must be non-empty with at most one *`);
    const r = v as Record<string, unknown>;
    if (typeof r !== "object" || r === null || typeof r.baseURL !== "string") throw new Error(`"${pattern}" needs a baseURL`);
    const baseURL = url(r.baseURL);
    if (baseURL === "") throw new Error(`"${pattern}" needs a baseURL`);
    for (const k of ["apiKey", "model"] as const) {
      if (r[k] !== undefined && typeof r[k] !== "string") throw new Error(`"${pattern}".${k} must be a string`);
    }
    if (r.access !== undefined && r.access !== "public" && r.access !== "authenticated") throw new Error(`"${pattern}".access must be public or authenticated`);
    return {
      pattern,
      baseURL,
      ...(r.apiKey !== undefined ? { apiKey: r.apiKey as string } : {}),
      ...(r.model !== undefined ? { model: r.model as string } : {}),
      access: (r.access as "public" | "authenticated" | undefined) ?? "authenticated",
    };
  });
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
  lfsMultipartChunkSize: {
    env: "MODELPORT_LFS_MULTIPART_CHUNK_SIZE", flag: undefined, default: 64 * 1024 ** 2, parse: (raw: string) => {
      const n = bytes(raw);
      if (n < 1) throw new Error(`not a positive size: ${raw}`);
      return n;
    },
    description: "Part size of multipart LFS uploads (bytes, or with a unit: `64M`). Clients that offer `multipart` (huggingface_hub, @huggingface/hub) upload objects larger than this in parts of this size, in parallel. Default 64 MiB.",
  },
  maxInlineFileSize: {
    env: "MODELPORT_MAX_INLINE_FILE_SIZE", flag: undefined, default: 32 * 1024 ** 2, parse: bytes,
    description: "Largest regular (non-LFS) file an API commit may carry inline, base64 in its NDJSON body (bytes, or with a unit). Preupload sends files of 10 MiB or more to LFS, so clients stay well below it. Default 32 MiB.",
  },
  listMaxLimit: {
    env: "MODELPORT_LIST_MAX_LIMIT", flag: undefined, default: 1000, parse: (raw: string) => {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1 || n > 10000) throw new Error(`not a page size between 1 and 10000: ${raw}`);
      return n;
    },
    description: "Most repos one page of `GET /api/models` (datasets, spaces) returns, and the page size when the client names none; larger `limit` values are clamped and the rest follows through the `Link` header. Pages with `siblings` or `config` hold at most 100.",
  },
  inferenceThreads: {
    env: "MODELPORT_INFERENCE_THREADS", flag: "inference-threads", default: 0, parse: (raw: string) => count(raw, 0, 1024),
    description: "CPU threads each loaded model computes with. 0: one less than the machine's cores (at least 1). Never more than the physical cores: oversubscribed threads make generation many times slower.",
  },
  inferenceParallel: {
    env: "MODELPORT_INFERENCE_PARALLEL", flag: "inference-parallel", default: 4, parse: (raw: string) => count(raw, 1, 256),
    description: "Parallel sequences per loaded model: requests (and choices of `n`) generated together in one batch. Each takes its own KV cache of the context size.",
  },
  inferenceContextSize: {
    env: "MODELPORT_INFERENCE_CONTEXT_SIZE", flag: "inference-context-size", default: 4096, parse: (raw: string) => count(raw, 64, 1 << 20),
    description: "Tokens of context per sequence (prompt plus answer), capped at each model's training context.",
  },
  inferenceMemory: {
    env: "MODELPORT_INFERENCE_MEMORY", flag: "inference-memory", default: 0, parse: bytes,
    description: "Memory all loaded models may take together (bytes, or with a unit: `16G`); idle models are unloaded, least recently used first, to make room. 0: half of the machine's memory.",
  },
  inferenceQueue: {
    env: "MODELPORT_INFERENCE_QUEUE", flag: "inference-queue", default: 64, parse: (raw: string) => count(raw, 0, 100000),
    description: "Requests that may wait per model while its sequences are busy; more get 503 with `Retry-After`.",
  },
  inferenceIdleTimeout: {
    env: "MODELPORT_INFERENCE_IDLE_TIMEOUT", flag: undefined, default: 900, parse: (raw: string) => count(raw, 0, 10 ** 7),
    description: "Seconds a loaded model may stay unused before it is unloaded. 0: never.",
  },
  inferenceGpu: {
    env: "MODELPORT_INFERENCE_GPU", flag: "inference-gpu", default: "auto" as "auto" | "off", parse: (raw: string): "auto" | "off" => {
      if (raw !== "auto" && raw !== "off") throw new Error("must be auto or off");
      return raw;
    },
    description: "`auto`: run models on a GPU when node-llama-cpp finds one (CUDA, Vulkan, Metal); `off`: always on the CPU.",
  },
  upstreams: {
    env: "MODELPORT_UPSTREAMS", flag: undefined, default: [] as UpstreamRoute[], parse: upstreamRoutes,
    description: "OpenAI-compatible servers (vLLM, llama-server, KServe, Ray Serve, another Modelport) that serve some model ids, as JSON: `{\"<pattern>\": {\"baseURL\": \"http://host:8000/v1\", \"apiKey\": \"…\", \"model\": \"…\", \"access\": \"authenticated\"}}`. See docs/inference.md.",
  },
  authFailureLimit: {
    env: "MODELPORT_AUTH_FAILURE_LIMIT", flag: undefined, default: 30, parse: (raw: string) => count(raw, 0, 10 ** 6),
    description: "Failed authentications (unknown, expired or revoked tokens; wrong passwords) allowed per client IP, and per account name at sign-in, per minute; more get 429 with `Retry-After` until the minute's allowance refills. 0: no limit. Counted in memory per hub process.",
  },
  writeRateLimit: {
    env: "MODELPORT_WRITE_RATE_LIMIT", flag: undefined, default: 600, parse: (raw: string) => count(raw, 0, 10 ** 7),
    description: "Write requests (API calls that change something, git pushes) allowed per token (per IP without one) per minute, in bursts up to the same number; more get 429 with `Retry-After`. LFS transfers and reads are not counted. 0: no limit. Counted in memory per hub process.",
  },
  maxJsonBodySize: {
    env: "MODELPORT_MAX_JSON_BODY_SIZE", flag: undefined, default: 1024 ** 2, parse: bytes,
    description: "Largest JSON request body of the API (bytes, or with a unit: `1M`); larger ones get 413. Streamed bodies (NDJSON commits, git packs, LFS uploads) are not limited by it, and a few routes take more (paths-info, preupload, validate-yaml: 16 MiB; OpenAI: 32 MiB). Default 1 MiB.",
  },
  allowSignup: {
    env: "MODELPORT_ALLOW_SIGNUP", flag: "allow-signup", default: "first" as "first" | "true" | "false", parse: (raw: string): "first" | "true" | "false" => {
      if (raw !== "first" && raw !== "true" && raw !== "false") throw new Error("must be first, true or false");
      return raw;
    },
    description: "Who may create an account in the web app (`/join`). `first`: only while the hub has no account at all; that first account becomes an administrator. `true`: anyone (the first account is still the administrator). `false`: nobody; accounts are made with `modelport user create`.",
  },
  sessionLifetime: {
    env: "MODELPORT_SESSION_LIFETIME", flag: undefined, default: 30 * 24 * 3600, parse: (raw: string) => count(raw, 60, 10 ** 9),
    description: "Seconds a web app sign-in lasts before the user must sign in again. Default 30 days.",
  },
  logLevel: {
    env: "MODELPORT_LOG_LEVEL", flag: "log-level", default: "info", parse: logLevel,
    description: "Log level: fatal, error, warn, info, debug, trace or silent.",
  },
} satisfies Record<string, SettingSpec<unknown>>;

export type SettingName = keyof typeof settings;
export type Config = { [K in SettingName]: (typeof settings)[K]["default"] };
