import { DomainError } from "../lib/domain-error.js";
import type { PrivateScope } from "../db/queries/repo-list.js";
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
 * `canRead` as a condition a listing query applies in SQL: public repos, plus
 * the private ones of these namespaces (or all of them). It must say exactly
 * what `canRead`/`isOwner` say; change them together.
 */
export function readablePrivateScope(p: Principal): PrivateScope {
  if (p.kind === "anonymous") return { namespaces: [] };
  return p.isAdmin ? "all" : { namespaces: [p.name] };
}

/** Whether the caller may create or move repos into `namespace` (their own; admins anywhere). */
export function canOwnNamespace(p: Principal, namespace: string): boolean {
  return p.kind === "user" && (p.isAdmin || p.name === namespace);
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

/**
 * Whether the caller may download a readable repo's files. Gated repos
 * (hf-hub-protocol.md §10) keep their info and tree public but serve file
 * contents only to those with access: for now their owners and admins, as
 * access requests are not implemented yet.
 */
export function canReadContent(p: Principal, repo: RepoRow): boolean {
  if (repo.gated !== "auto" && repo.gated !== "manual") return canRead(p, repo);
  return isOwner(p, repo);
}

/** The Hub's answer for a gated repo's files: 401 `GatedRepo` when anonymous, 403 `GatedRepo` otherwise (§1.7). */
export function gatedDenied(p: Principal, repoType: string, repoId: string): DomainError {
  return p.kind === "anonymous"
    ? new DomainError(
        "Unauthenticated",
        `Access to ${repoType} ${repoId} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
        "GatedRepo",
      )
    : new DomainError(
        "PermissionDenied",
        `Access to ${repoType} ${repoId} is restricted and you are not in the authorized list.`,
        "GatedRepo",
      );
}
