import { DomainError } from "../lib/domain-error.js";
import { mayScopeTo } from "./access.js";
import {
  type Principal,
  type ScopeEntityType,
  type ScopePermission,
  scopeEntityTypes,
  scopePermissions,
  type TokenRole,
  type TokenScope,
  tokenRoles,
} from "./principal.js";

/** What `POST /api/settings/tokens` (and `modelport token create`) take. */
export interface TokenInput {
  name: unknown;
  role: unknown;
  expiresAt?: unknown;
  scoped?: unknown;
  /** fineGrained only: also read the files of public gated repos the user was accepted to. */
  canReadGatedRepos?: unknown;
}

/** Most scopes one fine-grained token may carry. */
const maxScopes = 100;

/**
 * Validates a new token's description for its owner: a name, a role, an
 * expiry in the future (or none), and for fine-grained tokens one or more
 * scopes over what the owner may scope to (their namespace, their orgs, repos
 * in those), each with known permissions.
 */
export function checkTokenInput(
  owner: Extract<Principal, { kind: "user" }>,
  input: TokenInput,
): { name: string; role: TokenRole; expiresAt: string | null; scoped?: TokenScope[]; canReadGatedRepos?: boolean } {
  const { name, role } = input;
  if (typeof name !== "string" || name.trim().length === 0 || name.length > 100) {
    throw new DomainError("InvalidArgument", "token name must be 1-100 characters");
  }
  if (typeof role !== "string" || !(tokenRoles as readonly string[]).includes(role)) {
    throw new DomainError("InvalidArgument", `token role must be one of ${tokenRoles.join(", ")}`);
  }
  let expiresAt: string | null = null;
  if (input.expiresAt !== undefined && input.expiresAt !== null) {
    const t = typeof input.expiresAt === "string" ? Date.parse(input.expiresAt) : NaN;
    if (Number.isNaN(t)) throw new DomainError("InvalidArgument", "expiresAt must be an ISO 8601 date and time");
    if (t <= Date.now()) throw new DomainError("InvalidArgument", "expiresAt must be in the future");
    expiresAt = new Date(t).toISOString();
  }
  if (role !== "fineGrained") {
    if (input.scoped !== undefined && input.scoped !== null) throw new DomainError("InvalidArgument", "only fineGrained tokens take scoped");
    if (input.canReadGatedRepos !== undefined && input.canReadGatedRepos !== null) {
      throw new DomainError("InvalidArgument", "only fineGrained tokens take canReadGatedRepos (read and write tokens read the gated repos their user may)");
    }
    return { name, role: role as TokenRole, expiresAt };
  }
  if (!Array.isArray(input.scoped) || input.scoped.length === 0 || input.scoped.length > maxScopes) {
    throw new DomainError("InvalidArgument", `a fineGrained token needs scoped: 1 to ${maxScopes} scopes`);
  }
  const scoped = input.scoped.map((s, i) => checkScope(owner, s, i));
  const gated = input.canReadGatedRepos ?? false;
  if (typeof gated !== "boolean") throw new DomainError("InvalidArgument", "canReadGatedRepos must be a boolean");
  return { name, role: "fineGrained", expiresAt, scoped, canReadGatedRepos: gated };
}

function checkScope(owner: Extract<Principal, { kind: "user" }>, raw: unknown, i: number): TokenScope {
  const s = raw as { entity?: { type?: unknown; name?: unknown }; permissions?: unknown };
  const type = s?.entity?.type;
  const name = s?.entity?.name;
  if (typeof type !== "string" || !(scopeEntityTypes as readonly string[]).includes(type)) {
    throw new DomainError("InvalidArgument", `scoped[${i}].entity.type must be one of ${scopeEntityTypes.join(", ")}`);
  }
  const repoEntity = type !== "user" && type !== "org";
  if (typeof name !== "string" || name.length === 0 || name.length > 200 || (repoEntity ? !/^[^/]+\/[^/]+$/.test(name) : name.includes("/"))) {
    throw new DomainError("InvalidArgument", `scoped[${i}].entity.name must be ${repoEntity ? "a repo id namespace/name" : "a user or organization name"}`);
  }
  const permissions = s.permissions;
  if (!Array.isArray(permissions) || permissions.length === 0 || permissions.some((x) => !(scopePermissions as readonly unknown[]).includes(x))) {
    throw new DomainError("InvalidArgument", `scoped[${i}].permissions must be a non-empty list of ${scopePermissions.join(", ")}`);
  }
  const entity = { type: type as ScopeEntityType, name };
  if (!mayScopeTo(owner, entity)) {
    throw new DomainError("PermissionDenied", `scoped[${i}]: you cannot scope a token to ${type} ${name}`);
  }
  return { entity, permissions: [...new Set(permissions as ScopePermission[])] };
}
