import { DomainError } from "../lib/domain-error.js";
import type { RepoRow } from "../db/queries/repos.js";
import type { Principal } from "./principal.js";

/**
 * Every permission decision about a repo. A repo the caller may not read is
 * reported exactly like a missing one (`notVisible`).
 */
export function canRead(p: Principal, repo: RepoRow): boolean {
  if (!repo.private) return true;
  return isOwner(p, repo);
}

export function canWrite(p: Principal, repo: RepoRow): boolean {
  return p.kind === "user" && p.token.role === "write" && isOwner(p, repo);
}

/** Users own their namespace; admins act as owners everywhere. */
function isOwner(p: Principal, repo: RepoRow): boolean {
  return p.kind === "user" && (p.isAdmin || p.name === repo.namespace);
}

/**
 * The answer for a missing repo and for one the caller may not see: anonymous
 * callers are asked to authenticate (so git prompts for credentials), signed-in
 * ones get a plain not-found. Both carry `RepoNotFound`.
 */
export function notVisible(p: Principal): DomainError {
  return p.kind === "anonymous"
    ? new DomainError("Unauthenticated", "Repository not found", "RepoNotFound")
    : new DomainError("NotFound", "Repository not found", "RepoNotFound");
}

/** Refusal of a write on a repo the caller can see. */
export function writeDenied(p: Principal, repoId: string): DomainError {
  if (p.kind === "anonymous") return new DomainError("Unauthenticated", "Authentication required to write to this repository");
  if (p.token.role !== "write") return new DomainError("PermissionDenied", "This token is read-only; use a write token");
  return new DomainError("PermissionDenied", `You do not have write access to ${repoId}`);
}
