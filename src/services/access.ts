import { DomainError } from "../lib/domain-error.js";
import type { PrivateScope } from "../db/queries/repo-list.js";
import type { RepoRow } from "../db/queries/repos.js";
import type { Principal } from "./principal.js";
import { type ScopeTarget, scopesGranting, tokenPermits } from "./token-scope.js";

type UserPrincipal = Extract<Principal, { kind: "user" }>;

/**
 * Every permission decision about a repo. A repo the caller may not read is
 * reported exactly like a missing one (`notVisible`).
 *
 * A decision is the user's own rights (`userLevel`: their namespace, their
 * organizations' roles, admin everywhere) narrowed by the token in use
 * (`tokenPermits`: read tokens read, fine-grained ones act only within their
 * scopes; a web session carries the user's full rights).
 */
export function canRead(p: Principal, repo: RepoRow): boolean {
  if (!repo.private) return true;
  return isOwner(p, repo);
}

export function canWrite(p: Principal, repo: RepoRow): boolean {
  return p.kind === "user" && userLevel(p, repo.namespace, repo.created_by) === "write" && tokenPermits(p, targetOf(repo), "repo.write");
}

/**
 * Whether the caller is an insider of the repo's namespace: the user who owns
 * it, a member of the organization that owns it (any role), or an admin —
 * through a token that may read the repo.
 */
function isOwner(p: Principal, repo: RepoRow): boolean {
  return p.kind === "user" && userLevel(p, repo.namespace, repo.created_by) !== "none" && tokenPermits(p, targetOf(repo), "repo.content.read");
}

/**
 * The user's own rights on a namespace's repo, whatever token is used. Users
 * write their namespace; org roles (huggingface.co's): read reads, contributor
 * writes the repos they created and reads the others, write and admin write
 * them all; admins write everywhere.
 */
function userLevel(p: UserPrincipal, namespace: string, createdBy: number | null): "none" | "read" | "write" {
  if (p.isAdmin || p.name === namespace) return "write";
  const role = p.orgs.find((o) => o.name === namespace)?.role;
  if (role === undefined) return "none";
  if (role === "read") return "read";
  if (role === "contributor") return createdBy === p.userId ? "write" : "read";
  return "write";
}

function targetOf(repo: RepoRow): ScopeTarget {
  return { namespace: repo.namespace, repo: { type: repo.type, name: repo.name } };
}

/**
 * `canRead` as a condition a listing query applies in SQL: public repos, plus
 * the private ones of these namespaces and repos (or all of them). It must say
 * exactly what `canRead`/`isOwner` say; change them together.
 */
export function readablePrivateScope(p: Principal): PrivateScope {
  if (p.kind === "anonymous") return { namespaces: [] };
  const insider = [p.name, ...p.orgs.map((o) => o.name)];
  if (p.via === "session" || p.token.role !== "fineGrained") return p.isAdmin ? "all" : { namespaces: insider };
  const namespaces: string[] = [];
  const repos: { type: string; namespace: string; name: string }[] = [];
  for (const s of scopesGranting(p, "repo.content.read")) {
    const { type, name } = s.entity;
    if (type === "user" || type === "org") {
      if (p.isAdmin || insider.includes(name)) namespaces.push(name);
    } else {
      const slash = name.indexOf("/");
      const namespace = name.slice(0, slash);
      if (slash > 0 && (p.isAdmin || insider.includes(namespace))) repos.push({ type, namespace, name: name.slice(slash + 1) });
    }
  }
  return { namespaces, repos };
}

/**
 * Whether the caller may create or move repos into `namespace`: their own, an
 * organization where they are contributor, write or admin; admins anywhere —
 * with a token that may write there.
 */
export function canOwnNamespace(p: Principal, namespace: string): boolean {
  if (p.kind !== "user") return false;
  const role = p.orgs.find((o) => o.name === namespace)?.role;
  const may = p.isAdmin || p.name === namespace || (role !== undefined && role !== "read");
  return may && tokenPermits(p, { namespace }, "repo.write");
}

/** Whether the caller may manage an organization (members, roles): its admins and site admins, with a token that may. */
export function canManageOrg(p: Principal, org: string): boolean {
  if (p.kind !== "user") return false;
  const admin = p.isAdmin || p.orgs.some((o) => o.name === org && o.role === "admin");
  return admin && tokenPermits(p, { namespace: org }, "org.write");
}

/**
 * Whether the caller may list, create and revoke their own tokens: a web
 * session or a write token (a fine-grained or read token cannot mint tokens).
 */
export function canManageTokens(p: Principal): p is UserPrincipal {
  return p.kind === "user" && (p.via === "session" || p.token.role === "write");
}

/** Whether the caller may read the admin-only views (the audit log): admins, through a session or a write token. */
export function canAdminister(p: Principal): boolean {
  return p.kind === "user" && p.isAdmin && (p.via === "session" || p.token.role === "write");
}

/**
 * Whether a caller who may read a model's files may also run it: a
 * fine-grained token needs `inference.serverless.write` on it; any other
 * caller may (read tokens included, as on the Hub).
 */
export function canInfer(p: Principal, repo: RepoRow): boolean {
  return p.kind === "anonymous" || tokenPermits(p, targetOf(repo), "inference.serverless.write");
}

/** Whether a fine-grained token may call inference at all (upstream models have no repo to scope). */
export function mayCallInference(p: Principal): boolean {
  if (p.kind === "anonymous" || p.via === "session" || p.token.role !== "fineGrained") return true;
  return scopesGranting(p, "inference.serverless.write").length > 0;
}

/** Whether a fine-grained scope names something its owner may scope a token to (own namespace, an org, a repo). */
export function mayScopeTo(p: UserPrincipal, entity: { type: string; name: string }): boolean {
  if (entity.type === "user") return entity.name === p.name;
  if (entity.type === "org") return p.isAdmin || p.orgs.some((o) => o.name === entity.name);
  const namespace = entity.name.split("/")[0] ?? "";
  return p.isAdmin || namespace === p.name || p.orgs.some((o) => o.name === namespace);
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
  if (p.via !== "session" && p.token.role === "read") return new DomainError("PermissionDenied", "This token is read-only; use a write token");
  return new DomainError("PermissionDenied", `You do not have write access to ${repoId}`);
}

/**
 * Whether the caller may download a readable repo's files. Gated repos
 * (hf-hub-protocol.md §10) keep their info and tree public but serve file
 * contents only to those with access: their owners and admins, and users whose
 * access request is accepted (`gateAccepted`, looked up by the caller of this
 * function only when `needsGateDecision` says so).
 */
export function canReadContent(p: Principal, repo: RepoRow, gateAccepted = false): boolean {
  if (!isGated(repo)) return canRead(p, repo);
  if (isOwner(p, repo)) return true;
  // An accepted request is the user's right; the token in use must still be one that may read the repo:
  // within its scopes, or (a fine-grained token made to) any public gated repo the user was let into.
  if (p.kind !== "user" || !gateAccepted || !canRead(p, repo)) return false;
  return tokenPermits(p, targetOf(repo), "repo.content.read") || (!repo.private && p.token.canReadGatedRepos === true);
}

/** Whether `canReadContent` depends on the caller's access request: a signed-in non-owner on a gated repo. */
export function needsGateDecision(p: Principal, repo: RepoRow): boolean {
  return isGated(repo) && p.kind === "user" && !isOwner(p, repo);
}

/** Whether the caller may see and decide a gated repo's access requests: those who may write it. */
export function canManageAccessRequests(p: Principal, repo: RepoRow): boolean {
  return canWrite(p, repo);
}

export function isGated(repo: RepoRow): boolean {
  return repo.gated === "auto" || repo.gated === "manual";
}

/**
 * Files of a gated repo served to everyone who can see the repo, as
 * huggingface.co does on `/resolve`: the model card (so the gate's prompt and
 * fields can be read) and `.gitattributes`. `/raw`, git and LFS stay closed.
 */
export const gateFreeFiles: readonly string[] = ["README.md", ".gitattributes"];

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
