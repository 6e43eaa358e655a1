import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/connect.js";
import { findUserByName } from "../db/queries/users.js";
import {
  countUsers, deleteExpiredWebSessions, deleteWebSession, findWebSessionWithUser, insertWebSession,
} from "../db/queries/web-sessions.js";
import { DomainError } from "../lib/domain-error.js";
import { KeyedMutex } from "../lib/keyed-mutex.js";
import { hashPassword, verifyPassword } from "../lib/secrets.js";
import type { AbuseLimits } from "./abuse-limits.js";
import type { AccountService } from "./accounts.js";
import type { Principal } from "./principal.js";

type UserPrincipal = Extract<Principal, { kind: "user" }>;

/** Who may sign up in the web app (`MODELPORT_ALLOW_SIGNUP`). */
export const signupModes = ["first", "true", "false"] as const;
export type SignupMode = (typeof signupModes)[number];

export interface SessionSettings {
  /** `first`: only while the hub has no account (that one becomes admin); `true`: anyone; `false`: nobody. */
  allowSignup: SignupMode;
  /** Seconds a session lasts from sign-in. */
  lifetimeSeconds: number;
}

/** A session found from its cookie: the signed-in user and the token the web app echoes on writes. */
export interface ActiveSession {
  principal: UserPrincipal;
  csrfToken: string;
}

/** A new session: the cookie value (shown once, stored only hashed) and what the web app needs. */
export interface NewSession extends ActiveSession {
  sessionId: string;
  expiresAt: string;
}

/** Limits of what sign-up and sign-in take, before any hashing. */
const maxPasswordLength = 1024;
const maxEmailLength = 254;

/**
 * Web sessions: sign up, sign in with a password, sign out, and the
 * principal a session cookie stands for (the user's full rights, `via:
 * "session"`). Session ids are 256 random bits; the database keeps their
 * sha256 only. Failed sign-ins are rate limited per client IP and per account.
 */
export class SessionService {
  private readonly signups = new KeyedMutex();
  /** A real hash to verify against for unknown users, so timing does not tell which names exist. */
  private readonly decoyHash = hashPassword(randomBytes(16).toString("hex"));

  constructor(
    private readonly db: Db,
    private readonly accounts: AccountService,
    private readonly limits: AbuseLimits,
    private readonly settings: SessionSettings,
  ) {}

  /** Whether a sign-up would be accepted now. */
  async signupOpen(): Promise<boolean> {
    if (this.settings.allowSignup === "true") return true;
    if (this.settings.allowSignup === "false") return false;
    return (await countUsers(this.db)) === 0;
  }

  /**
   * Creates an account with a password and signs it in. The hub's first
   * account becomes an administrator.
   */
  async signUp(input: { username: unknown; password: unknown; email?: unknown; fullname?: unknown }, ip: string): Promise<NewSession> {
    this.limits.signUp(ip);
    const username = requireString(input.username, "username");
    const password = checkPassword(input.password);
    const email = optionalString(input.email, "email", maxEmailLength);
    if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) throw new DomainError("InvalidArgument", "email is not an email address");
    const fullname = optionalString(input.fullname, "fullname", 200);
    // One sign-up at a time in this process, so two first sign-ups cannot both become admin.
    const user = await this.signups.run("signup", async () => {
      if (!(await this.signupOpen())) {
        throw new DomainError("PermissionDenied", "Sign-up is closed on this hub: ask an administrator for an account");
      }
      const first = (await countUsers(this.db)) === 0;
      return this.accounts.createUser({ name: username, password, email, fullname, isAdmin: first });
    });
    return this.start(user);
  }

  /** Checks a user name and password and opens a session; a wrong one counts towards the sign-in limit. */
  async signIn(input: { username: unknown; password: unknown }, ip: string): Promise<NewSession> {
    const username = requireString(input.username, "username").slice(0, 200);
    const password = requireString(input.password, "password");
    if (password.length > maxPasswordLength) throw new DomainError("InvalidArgument", `password must be at most ${maxPasswordLength} characters`);
    const account = username.toLowerCase();
    this.limits.checkAuth(ip, account);
    const user = await findUserByName(this.db, username);
    const ok = verifyPassword(password, user?.password_hash ?? this.decoyHash) && user?.password_hash != null;
    if (!user || !ok) {
      this.limits.authFailed(ip, account);
      throw new DomainError("Unauthenticated", "Incorrect username or password");
    }
    return this.start(user);
  }

  /** Ends the session with this cookie value; unknown ones are already gone. */
  async signOut(sessionId: string): Promise<void> {
    await deleteWebSession(this.db, hashId(sessionId));
  }

  /** The session a cookie value names, or undefined when it is unknown or expired (an expired one is removed). */
  async resolve(sessionId: string): Promise<ActiveSession | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return undefined;
    const found = await findWebSessionWithUser(this.db, hashId(sessionId));
    if (!found) return undefined;
    if (Date.parse(found.session.expires_at) <= Date.now()) {
      await deleteWebSession(this.db, found.session.id_hash);
      return undefined;
    }
    return { principal: await this.accounts.sessionPrincipal(found.user, found.session.created_at), csrfToken: found.session.csrf_token };
  }

  private async start(user: Parameters<AccountService["sessionPrincipal"]>[0]): Promise<NewSession> {
    const now = new Date();
    // Sweep here rather than on a timer: sign-ins are rare and this keeps the table small.
    await deleteExpiredWebSessions(this.db, now.toISOString());
    const sessionId = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(32).toString("base64url");
    const createdAt = now.toISOString();
    const expiresAt = new Date(now.getTime() + this.settings.lifetimeSeconds * 1000).toISOString();
    await insertWebSession(this.db, { id_hash: hashId(sessionId), user_id: user.id, csrf_token: csrfToken, created_at: createdAt, expires_at: expiresAt });
    return { sessionId, csrfToken, expiresAt, principal: await this.accounts.sessionPrincipal(user, createdAt) };
  }
}

function hashId(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex");
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") throw new DomainError("InvalidArgument", `${field} is required`);
  return value;
}

function optionalString(value: unknown, field: string, max: number): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new DomainError("InvalidArgument", `${field} must be a string`);
  if (value.length > max) throw new DomainError("InvalidArgument", `${field} must be at most ${max} characters`);
  return value.trim();
}

function checkPassword(value: unknown): string {
  const password = requireString(value, "password");
  if (password.length < 8) throw new DomainError("InvalidArgument", "password must be at least 8 characters");
  if (password.length > maxPasswordLength) throw new DomainError("InvalidArgument", `password must be at most ${maxPasswordLength} characters`);
  return password;
}
