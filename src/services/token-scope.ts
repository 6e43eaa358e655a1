import type { Principal, ScopePermission, TokenScope } from "./principal.js";

type UserPrincipal = Extract<Principal, { kind: "user" }>;

/** What a permission is asked about: a namespace (creating repos, managing an org) or one repo in it. */
export type ScopeTarget = { namespace: string; repo?: { type: string; name: string } };

/** Permissions a scope's listed permission includes: writing a repo includes reading it, as on the Hub. */
function includes(granted: readonly ScopePermission[], wanted: ScopePermission): boolean {
  if (granted.includes(wanted)) return true;
  if (wanted === "repo.content.read") return granted.includes("repo.write");
  if (wanted === "org.read") return granted.includes("org.write");
  return false;
}

/** Whether a scope's entity covers the target: its namespace (user or org entity) or exactly its repo. */
export function scopeCovers(scope: TokenScope, target: ScopeTarget): boolean {
  const { type, name } = scope.entity;
  if (type === "user" || type === "org") return name === target.namespace;
  return target.repo !== undefined && type === target.repo.type && name === `${target.namespace}/${target.repo.name}`;
}

/**
 * What the token in use lets the caller do on a target, before the user's own
 * rights are asked: a web session and a write token carry all of the user's
 * rights; a read token only reading (and inference, as Hub read tokens do); a
 * fine-grained token only what one of its scopes covering the target grants.
 * Admins' fine-grained tokens are bound by their scopes too.
 */
export function tokenPermits(p: UserPrincipal, target: ScopeTarget, wanted: ScopePermission): boolean {
  if (p.via === "session") return true;
  switch (p.token.role) {
    case "write":
      return true;
    case "read":
      return wanted === "repo.content.read" || wanted === "org.read" || wanted === "inference.serverless.write";
    case "fineGrained":
      return (p.token.scoped ?? []).some((s) => scopeCovers(s, target) && includes(s.permissions, wanted));
  }
}

/** The scopes of a fine-grained token that grant `wanted` (for listing SQL). */
export function scopesGranting(p: UserPrincipal, wanted: ScopePermission): TokenScope[] {
  return (p.token.scoped ?? []).filter((s) => includes(s.permissions, wanted));
}
