/**
 * The web app talks to the hub through the same public API the Hugging Face
 * clients use. `api()` is the one fetch wrapper: same-origin cookies (the web
 * session), JSON in and out, the session's CSRF token on every mutating
 * request, and failures as `ApiError` carrying the hub's status, `X-Error-Code`
 * and message.
 */

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    /** The hub's `X-Error-Code` (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo…), when it sent one. */
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** Set by the session provider from `GET /api/auth/session`. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The headers a mutating same-origin request needs (for XHR/fetch calls made outside `api()`). */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { "X-CSRF-Token": csrfToken } : {};
}

export interface ApiInit extends Omit<RequestInit, "body"> {
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as is (NDJSON commits, files). */
  body?: BodyInit | null;
  /** How to read the answer: JSON (default), text, or the raw Response. */
  as?: "json" | "text" | "response";
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** Calls the hub; resolves with the parsed answer, rejects with `ApiError`. */
export async function api<T = unknown>(path: string, init: ApiInit = {}): Promise<T> {
  const { json, as = "json", headers, ...rest } = init;
  const method = (rest.method ?? (json !== undefined || rest.body ? "POST" : "GET")).toUpperCase();
  const merged = new Headers(headers);
  if (!merged.has("Accept")) merged.set("Accept", "application/json");
  if (json !== undefined) merged.set("Content-Type", "application/json");
  if (!safeMethods.has(method) && csrfToken && !merged.has("X-CSRF-Token")) merged.set("X-CSRF-Token", csrfToken);
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      method,
      headers: merged,
      credentials: "same-origin",
      body: json !== undefined ? JSON.stringify(json) : rest.body,
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, undefined, "Could not reach the hub: check your connection and try again.");
  }
  if (!response.ok) throw await errorFrom(response);
  if (as === "response") return response as T;
  if (as === "text") return (await response.text()) as T;
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text === "" ? undefined : JSON.parse(text)) as T;
}

/** An `ApiError` from a failed answer: the JSON body's `error` (full Unicode) or `X-Error-Message`. */
export async function errorFrom(response: Response): Promise<ApiError> {
  let message = response.headers.get("X-Error-Message") ?? "";
  try {
    const body = (await response.json()) as { error?: unknown; message?: unknown };
    const fromBody = typeof body.error === "string" ? body.error : typeof body.message === "string" ? body.message : "";
    if (fromBody) message = fromBody;
  } catch {
    // Not JSON: keep the header.
  }
  return new ApiError(response.status, response.headers.get("X-Error-Code") ?? undefined, message || `${response.status} ${response.statusText}`);
}

/** True for the answers that mean "no such thing, or not yours to see". */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}

export const repoTypes = ["model", "dataset", "space"] as const;
export type RepoType = (typeof repoTypes)[number];

/** `models`, `datasets`, `spaces`: the API's collection name for a type. */
export const plural: Record<RepoType, string> = { model: "models", dataset: "datasets", space: "spaces" };

/** `/api/models/ns/name` */
export function repoApiPath(type: RepoType, id: string): string {
  return `/api/${plural[type]}/${id.split("/").map(encodeURIComponent).join("/")}`;
}

/** The repo's page: `/ns/name` for models, `/datasets/ns/name`, `/spaces/ns/name`. */
export function repoPagePath(type: RepoType, id: string): string {
  const prefix = type === "model" ? "" : `/${plural[type]}`;
  return `${prefix}/${id.split("/").map(encodeURIComponent).join("/")}`;
}

/** The git/LFS URL prefix of a repo, as the clients use it (`/datasets/ns/name`). */
export const repoUrlPath = repoPagePath;

/** A revision in a URL path: branch names with slashes (`refs/pr/1`) are encoded whole. */
export function encodeRev(rev: string): string {
  return encodeURIComponent(rev);
}
