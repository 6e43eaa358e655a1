import type { Db } from "../db/connect.js";
import { isUniqueViolation } from "../db/connect.js";
import {
  changeOrgMember,
  findOrgByName,
  findOrgMember,
  insertOrg,
  insertOrgMember,
  listOrgMembers,
  membershipsOf,
  type OrgRow,
  publicRepoCounts,
} from "../db/queries/orgs.js";
import { findUserByName } from "../db/queries/users.js";
import { DomainError } from "../lib/domain-error.js";
import { checkName } from "../lib/repo-names.js";
import { canManageOrg } from "./access.js";
import type { AuditLog } from "./audit-log.js";
import { type OrgRole, orgRoles, type Principal } from "./principal.js";

/** An org or user page's numbers: public repos of each type. */
export interface RepoCounts {
  numModels: number;
  numDatasets: number;
  numSpaces: number;
}

export interface OrgOverview extends RepoCounts {
  name: string;
  fullname: string;
  createdAt: string;
  numUsers: number;
}

export interface UserOverview extends RepoCounts {
  name: string;
  fullname: string;
  createdAt: string;
  orgs: { name: string; fullname: string }[];
}

export interface OrgMember {
  user: string;
  fullname: string;
  role: OrgRole;
}

/**
 * Organizations: creation (the creator is its admin), members and their
 * roles, and the public overview pages of orgs and users. Org names share one
 * namespace space with user names (the database enforces it).
 */
export class OrgService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  /** `POST /api/organizations`: any signed-in user with a write token or a session. */
  async create(p: Principal, input: { name: unknown; fullname?: unknown }, ip: string | null = null): Promise<OrgOverview> {
    if (p.kind === "anonymous") throw new DomainError("Unauthenticated", "Authentication required to create an organization");
    if (p.via !== "session" && p.token.role !== "write") {
      throw new DomainError("PermissionDenied", "Creating an organization needs a write token or a web session");
    }
    const name = checkName(input.name, "namespace");
    if (input.fullname !== undefined && input.fullname !== null && (typeof input.fullname !== "string" || input.fullname.length > 200)) {
      throw new DomainError("InvalidArgument", "fullname must be a string of at most 200 characters");
    }
    const fullname = typeof input.fullname === "string" && input.fullname !== "" ? input.fullname : name;
    let org: OrgRow;
    try {
      org = await insertOrg(this.db, { name, fullname, adminUserId: p.userId });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError("AlreadyExists", `The name '${name}' is already taken by a user or an organization`);
      throw err;
    }
    await this.audit.record(p, "org.create", name, { fullname }, ip);
    return this.overviewOf(org);
  }

  /** `GET /api/organizations/:org/overview` (public, like the Hub's). */
  async overview(name: string): Promise<OrgOverview> {
    return this.overviewOf(await this.find(name));
  }

  /** `GET /api/organizations/:org/members`. */
  async members(name: string): Promise<OrgMember[]> {
    const org = await this.find(name);
    return (await listOrgMembers(this.db, org.id)).map((m) => ({ user: m.name, fullname: m.fullname, role: m.role as OrgRole }));
  }

  /** Adds a user with a role (org admins; the Hub's invitations become direct adds here). */
  async addMember(p: Principal, orgName: string, input: { user: unknown; role: unknown }, ip: string | null = null): Promise<OrgMember> {
    const org = await this.managed(p, orgName);
    const role = checkRole(input.role);
    const user = await this.user(input.user);
    try {
      await insertOrgMember(this.db, org.id, user.id, role);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError("AlreadyExists", `${user.name} is already a member of ${org.name}`);
      throw err;
    }
    await this.audit.record(p, "org.member.add", org.name, { user: user.name, role }, ip);
    return { user: user.name, fullname: user.fullname, role };
  }

  /** `PUT /api/organizations/:org/members/:user/role` (the Hub's endpoint): org admins change a member's role. */
  async setRole(p: Principal, orgName: string, userName: string, rawRole: unknown, ip: string | null = null): Promise<OrgMember> {
    const org = await this.managed(p, orgName);
    const role = checkRole(rawRole);
    const user = await this.user(userName);
    const current = await findOrgMember(this.db, org.id, user.id);
    if (!current) throw new DomainError("NotFound", `${user.name} is not a member of ${org.name}`);
    if (!(await changeOrgMember(this.db, org.id, user.id, role))) {
      throw new DomainError("Conflict", `${user.name} is the last admin of ${org.name}; make someone else admin first`);
    }
    await this.audit.record(p, "org.member.role", org.name, { user: user.name, from: current.role, to: role }, ip);
    return { user: user.name, fullname: user.fullname, role };
  }

  /** Removes a member: org admins remove anyone, a member may leave. The last admin stays. */
  async removeMember(p: Principal, orgName: string, userName: string, ip: string | null = null): Promise<void> {
    const org = await this.find(orgName);
    const leaving = p.kind === "user" && p.name === userName && (p.via === "session" || p.token.role === "write");
    if (!leaving) await this.managed(p, orgName);
    const user = await this.user(userName);
    const current = await findOrgMember(this.db, org.id, user.id);
    if (!current) throw new DomainError("NotFound", `${user.name} is not a member of ${org.name}`);
    if (!(await changeOrgMember(this.db, org.id, user.id, null))) {
      throw new DomainError("Conflict", `${user.name} is the last admin of ${org.name}; make someone else admin first`);
    }
    await this.audit.record(p, "org.member.remove", org.name, { user: user.name, role: current.role }, ip);
  }

  /** `GET /api/users/:user/overview` (the Hub's shape, public numbers only). */
  async userOverview(name: string): Promise<UserOverview> {
    const user = typeof name === "string" ? await findUserByName(this.db, name) : undefined;
    if (!user) throw new DomainError("NotFound", "User not found");
    const [counts, orgs] = await Promise.all([publicRepoCounts(this.db, user.name), membershipsOf(this.db, user.id)]);
    return {
      name: user.name,
      fullname: user.fullname,
      createdAt: user.created_at,
      ...countsOf(counts),
      orgs: orgs.map((o) => ({ name: o.org_name, fullname: o.org_fullname })),
    };
  }

  private async find(name: string): Promise<OrgRow> {
    const org = await findOrgByName(this.db, name);
    if (!org) throw new DomainError("NotFound", "Organization not found");
    return org;
  }

  /** The org if the caller may manage it; to others that may not, 403 (orgs and their members are public). */
  private async managed(p: Principal, name: string): Promise<OrgRow> {
    const org = await this.find(name);
    if (p.kind === "anonymous") throw new DomainError("Unauthenticated", "Authentication required");
    if (!canManageOrg(p, org.name)) throw new DomainError("PermissionDenied", `Only admins of ${org.name} may manage its members`);
    return org;
  }

  private async user(name: unknown) {
    const user = typeof name === "string" && name.length <= 96 ? await findUserByName(this.db, name) : undefined;
    if (!user) throw new DomainError("NotFound", `user '${String(name)}' does not exist`);
    return user;
  }

  private async overviewOf(org: OrgRow): Promise<OrgOverview> {
    const [counts, members] = await Promise.all([publicRepoCounts(this.db, org.name), listOrgMembers(this.db, org.id)]);
    return { name: org.name, fullname: org.fullname, createdAt: org.created_at, numUsers: members.length, ...countsOf(counts) };
  }
}

function checkRole(role: unknown): OrgRole {
  if (typeof role !== "string" || !(orgRoles as readonly string[]).includes(role)) {
    throw new DomainError("InvalidArgument", `role must be one of ${orgRoles.join(", ")}`);
  }
  return role as OrgRole;
}

function countsOf(c: Record<string, number>): RepoCounts {
  return { numModels: c.model ?? 0, numDatasets: c.dataset ?? 0, numSpaces: c.space ?? 0 };
}
