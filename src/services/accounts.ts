import type { Db } from "../db/connect.js";
import { isUniqueViolation } from "../db/connect.js";
import { membershipsOf } from "../db/queries/orgs.js";
import { deleteToken, findTokenWithUser, findTokenWithUserById, insertToken, listTokens, type MembershipRow, type TokenRow, touchToken } from "../db/queries/tokens.js";
import { findUserById, findUserByName, insertUser, type UserRow } from "../db/queries/users.js";
import { DomainError } from "../lib/domain-error.js";
import { checkName } from "../lib/repo-names.js";
import { generateToken, hashPassword, hashToken } from "../lib/secrets.js";
import { canManageTokens } from "./access.js";
import type { AuditLog } from "./audit-log.js";
import type { OrgRole, Principal, TokenRole } from "./principal.js";
import { checkTokenInput, type TokenInput } from "./token-input.js";

type UserPrincipal = Extract<Principal, { kind: "user" }>;

/** A token as `GET /api/settings/tokens` lists it (never the secret). */
export interface TokenInfo {
  id: number;
  name: string;
  role: TokenRole;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  scoped?: UserPrincipal["token"]["scoped"];
  canReadGatedRepos?: boolean;
}

/** Last-use times are written at most this often per token, to keep reads off the write path. */
const touchIntervalMs = 60_000;

/** Users and their access tokens. */
export class AccountService {
  private readonly lastTouched = new Map<number, number>();

  constructor(
    private readonly db: Db,
    private readonly audit?: AuditLog,
  ) {}

  async createUser(input: { name: string; isAdmin?: boolean; password?: string; email?: string; fullname?: string }): Promise<UserRow> {
    const name = checkName(input.name, "user name");
    if (input.password !== undefined && input.password.length < 8) {
      throw new DomainError("InvalidArgument", "password must be at least 8 characters");
    }
    try {
      return await insertUser(this.db, {
        name,
        fullname: input.fullname,
        email: input.email ?? null,
        isAdmin: input.isAdmin ?? false,
        passwordHash: input.password === undefined ? null : hashPassword(input.password),
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError("AlreadyExists", `user '${name}' already exists`);
      throw err;
    }
  }

  /**
   * Creates a token for `userName` (the CLI; no caller to check) and returns
   * it; only its hash is kept. Takes what the tokens API takes.
   */
  async createToken(
    userName: string,
    opts: { role?: string; label?: string; expiresAt?: string | null; scoped?: unknown } = {},
  ): Promise<{ token: string; role: TokenRole; info: TokenInfo }> {
    const user = await findUserByName(this.db, userName);
    if (!user) throw new DomainError("NotFound", `user '${userName}' does not exist`);
    const owner = this.principalOf(user, await membershipsOf(this.db, user.id), { id: 0, name: "cli", role: "write", createdAt: user.created_at }, "token");
    const role = opts.role ?? "write";
    return this.issue(owner, { name: opts.label ?? `${role} token`, role, expiresAt: opts.expiresAt, scoped: opts.scoped }, null, null);
  }

  /** `POST /api/settings/tokens`: a token for the caller, who must hold a session or a write token. */
  async createTokenFor(p: Principal, input: TokenInput, ip: string | null = null): Promise<{ token: string; info: TokenInfo }> {
    return this.issue(this.tokenManager(p), input, p, ip);
  }

  /** `GET /api/settings/tokens`: the caller's tokens. */
  async listTokensOf(p: Principal): Promise<TokenInfo[]> {
    const owner = this.tokenManager(p);
    return (await listTokens(this.db, owner.userId)).map(toInfo);
  }

  /** `DELETE /api/settings/tokens/:id`: revokes one of the caller's tokens; the next request with it is refused. */
  async revokeToken(p: Principal, id: number, ip: string | null = null): Promise<void> {
    const owner = this.tokenManager(p);
    const gone = await deleteToken(this.db, owner.userId, id);
    if (!gone) throw new DomainError("NotFound", "No such token");
    this.lastTouched.delete(id);
    await this.audit?.record(p, "token.revoke", `${owner.name}/${gone.name}`, { tokenId: id, role: gone.role }, ip);
  }

  private tokenManager(p: Principal): UserPrincipal {
    if (p.kind === "anonymous") throw new DomainError("Unauthenticated", "Authentication required");
    if (!canManageTokens(p)) throw new DomainError("PermissionDenied", "Tokens can be managed only with a write token or a web session");
    return p;
  }

  /** Checks and stores a token of `owner`'s; `actor` (null: the CLI) is who the audit log names. */
  private async issue(owner: UserPrincipal, input: TokenInput, actor: Principal | null, ip: string | null): Promise<{ token: string; role: TokenRole; info: TokenInfo }> {
    const checked = checkTokenInput(owner, input);
    const token = generateToken();
    const row = await insertToken(this.db, {
      userId: owner.userId,
      name: checked.name,
      role: checked.role,
      tokenHash: hashToken(token),
      expiresAt: checked.expiresAt,
      scopes: checked.scoped === undefined ? null : JSON.stringify(checked.scoped),
      canReadGatedRepos: checked.canReadGatedRepos ?? false,
    });
    const info = toInfo(row);
    await this.audit?.record(
      actor,
      "token.create",
      `${owner.name}/${row.name}`,
      { tokenId: row.id, role: row.role, expiresAt: row.expires_at, ...(checked.scoped ? { scoped: checked.scoped, canReadGatedRepos: checked.canReadGatedRepos } : {}) },
      ip,
    );
    return { token, role: checked.role, info };
  }

  /** The principal a presented token stands for; an unknown, expired or revoked token is refused, never treated as anonymous. */
  async authenticateToken(token: string): Promise<Principal> {
    const found = token.startsWith("hf_") && token.length <= 256 ? await findTokenWithUser(this.db, hashToken(token)) : undefined;
    if (!found) throw new DomainError("Unauthenticated", "Invalid credentials in Authorization header");
    const { token: t } = found;
    const now = Date.now();
    if (t.expires_at !== null && Date.parse(t.expires_at) <= now) {
      throw new DomainError("Unauthenticated", "Invalid credentials in Authorization header: this token has expired");
    }
    if ((this.lastTouched.get(t.id) ?? 0) + touchIntervalMs < now) {
      this.lastTouched.set(t.id, now);
      await touchToken(this.db, t.id, new Date(now).toISOString());
    }
    return this.tokenPrincipal(found);
  }

  /**
   * Who a credential stands for now, by what it was when it signed something
   * (an LFS download link): a token by its id (undefined once it is revoked or
   * expired), a web session by its user (undefined once the user is gone).
   * Memberships are read now, so removals apply to links issued before them.
   */
  async principalNow(credential: { tokenId: number } | { sessionUserId: number }): Promise<Principal | undefined> {
    if ("sessionUserId" in credential) {
      const user = await findUserById(this.db, credential.sessionUserId);
      return user && this.sessionPrincipal(user, user.created_at);
    }
    const found = await findTokenWithUserById(this.db, credential.tokenId);
    if (!found || (found.token.expires_at !== null && Date.parse(found.token.expires_at) <= Date.now())) return undefined;
    return this.tokenPrincipal(found);
  }

  private tokenPrincipal({ token: t, user, orgs }: { token: TokenRow; user: UserRow; orgs: MembershipRow[] }): UserPrincipal {
    const info = toInfo(t);
    return this.principalOf(user, orgs, { id: t.id, name: t.name, role: info.role, createdAt: t.created_at, expiresAt: t.expires_at, scoped: info.scoped, canReadGatedRepos: info.canReadGatedRepos }, "token");
  }

  /**
   * The principal of a signed-in web session: the user's full rights and
   * their organizations, read now (one query), so removals apply at once.
   */
  async sessionPrincipal(user: UserRow, sessionCreatedAt: string): Promise<UserPrincipal> {
    const orgs = await membershipsOf(this.db, user.id);
    return this.principalOf(user, orgs, { id: 0, name: "web session", role: "write", createdAt: sessionCreatedAt }, "session");
  }

  private principalOf(user: UserRow, orgs: MembershipRow[], token: UserPrincipal["token"], via: "token" | "session"): UserPrincipal {
    return {
      kind: "user",
      userId: user.id,
      name: user.name,
      fullname: user.fullname,
      email: user.email,
      isAdmin: user.is_admin === 1,
      ...(via === "session" ? { via } : {}),
      orgs: orgs.map((o) => ({ id: o.org_id, name: o.org_name, fullname: o.org_fullname, role: o.role as OrgRole })),
      token,
    };
  }
}

function toInfo(t: TokenRow): TokenInfo {
  const role = t.role as TokenRole;
  return {
    id: t.id,
    name: t.name,
    role,
    createdAt: t.created_at,
    lastUsedAt: t.last_used_at,
    expiresAt: t.expires_at,
    ...(role === "fineGrained" ? { scoped: t.scopes === null ? [] : JSON.parse(t.scopes), canReadGatedRepos: t.can_read_gated_repos === 1 } : {}),
  };
}
