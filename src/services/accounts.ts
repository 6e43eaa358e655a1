import type { Db } from "../db/connect.js";
import { isUniqueViolation } from "../db/connect.js";
import { findTokenWithUser, insertToken, touchToken } from "../db/queries/tokens.js";
import { findUserByName, insertUser, type UserRow } from "../db/queries/users.js";
import { DomainError } from "../lib/domain-error.js";
import { checkName } from "../lib/repo-names.js";
import { generateToken, hashPassword, hashToken } from "../lib/secrets.js";
import { type Principal, type TokenRole, tokenRoles } from "./principal.js";

/** Last-use times are written at most this often per token, to keep reads off the write path. */
const touchIntervalMs = 60_000;

/** Users and their access tokens. */
export class AccountService {
  private readonly lastTouched = new Map<number, number>();

  constructor(private readonly db: Db) {}

  async createUser(input: { name: string; isAdmin?: boolean; password?: string; email?: string }): Promise<UserRow> {
    const name = checkName(input.name, "user name");
    if (input.password !== undefined && input.password.length < 8) {
      throw new DomainError("InvalidArgument", "password must be at least 8 characters");
    }
    try {
      return await insertUser(this.db, {
        name,
        email: input.email ?? null,
        isAdmin: input.isAdmin ?? false,
        passwordHash: input.password === undefined ? null : hashPassword(input.password),
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError("AlreadyExists", `user '${name}' already exists`);
      throw err;
    }
  }

  /** Creates a token for `userName` and returns it; only its hash is kept. */
  async createToken(userName: string, opts: { role?: string; label?: string } = {}): Promise<{ token: string; role: TokenRole }> {
    const role = opts.role ?? "write";
    if (!(tokenRoles as readonly string[]).includes(role)) {
      throw new DomainError("InvalidArgument", `token role must be one of ${tokenRoles.join(", ")}`);
    }
    const label = opts.label ?? `${role} token`;
    if (label.length === 0 || label.length > 100) throw new DomainError("InvalidArgument", "token name must be 1-100 characters");
    const user = await findUserByName(this.db, userName);
    if (!user) throw new DomainError("NotFound", `user '${userName}' does not exist`);
    const token = generateToken();
    await insertToken(this.db, { userId: user.id, name: label, role, tokenHash: hashToken(token) });
    return { token, role: role as TokenRole };
  }

  /** The principal a presented token stands for; an unknown token is refused, never treated as anonymous. */
  async authenticateToken(token: string): Promise<Principal> {
    const found = token.startsWith("hf_") && token.length <= 256 ? await findTokenWithUser(this.db, hashToken(token)) : undefined;
    if (!found) throw new DomainError("Unauthenticated", "Invalid credentials in Authorization header");
    const { token: t, user } = found;
    const now = Date.now();
    if ((this.lastTouched.get(t.id) ?? 0) + touchIntervalMs < now) {
      this.lastTouched.set(t.id, now);
      await touchToken(this.db, t.id, new Date(now).toISOString());
    }
    return {
      kind: "user",
      userId: user.id,
      name: user.name,
      fullname: user.fullname,
      email: user.email,
      isAdmin: user.is_admin === 1,
      token: { id: t.id, name: t.name, role: t.role as TokenRole, createdAt: t.created_at },
    };
  }
}
