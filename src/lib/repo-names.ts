import { DomainError } from "./domain-error.js";

/** The repo types a hub holds; the folder and URL prefix of each is its plural. */
export const repoTypes = ["model", "dataset", "space"] as const;
export type RepoType = (typeof repoTypes)[number];

/** URL prefix of a repo type on the web and git routes (models have none). */
export const repoUrlPrefix: Record<RepoType, string> = { model: "", dataset: "datasets/", space: "spaces/" };

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/**
 * Namespaces that would shadow a route of the hub or the web UI
 * (`/datasets/…`, `/api/…`) and so can name neither a user nor an org.
 */
const reservedNamespaces = new Set([
  "api", "datasets", "spaces", "models", "kernels", "organizations", "orgs", "settings", "login", "logout",
  "join", "signup", "new", "docs", "health", "metrics", "v1", "static", "assets", "admin", "search", "lfs-upload",
]);

/**
 * Checks a namespace or repo name against the Hub's rules
 * (`huggingface_hub/utils/_validators.py`): `[A-Za-z0-9._-]{1,96}`, no `--`
 * or `..`, not ending in `.git`. We also require a leading letter or digit so a
 * name can never be `.`, `..` or a hidden folder on disk.
 */
export function checkName(name: unknown, what: "repo name" | "namespace" | "user name"): string {
  if (typeof name !== "string" || name.length === 0) throw new DomainError("InvalidArgument", `${what} is required`);
  if (!namePattern.test(name)) {
    throw new DomainError(
      "InvalidArgument",
      `${what} '${printable(name)}' must be 1-96 characters of letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  if (name.includes("--") || name.includes("..")) {
    throw new DomainError("InvalidArgument", `${what} '${name}' must not contain '--' or '..'`);
  }
  if (name.endsWith(".git") || name.endsWith(".")) {
    throw new DomainError("InvalidArgument", `${what} '${name}' must not end with '.git' or '.'`);
  }
  if (what !== "repo name" && reservedNamespaces.has(name.toLowerCase())) {
    throw new DomainError("InvalidArgument", `'${name}' is reserved and cannot be used as a ${what}`);
  }
  return name;
}

export function checkRepoType(type: unknown): RepoType {
  if (type === undefined || type === null) return "model";
  if (typeof type === "string" && (repoTypes as readonly string[]).includes(type)) return type as RepoType;
  throw new DomainError("InvalidArgument", `repo type must be one of ${repoTypes.join(", ")}`);
}

/** Parses the plural URL form (`models`, `datasets`, `spaces`). */
export function repoTypeFromPlural(plural: string): RepoType | undefined {
  const singular = plural.replace(/s$/, "");
  return (repoTypes as readonly string[]).includes(singular) ? (singular as RepoType) : undefined;
}

function printable(s: string): string {
  return s.length > 100 ? `${JSON.stringify(s.slice(0, 100))}…` : JSON.stringify(s).slice(1, -1);
}
