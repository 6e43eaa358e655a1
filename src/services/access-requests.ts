import type { Db } from "../db/connect.js";
import {
  type AccessRequestRow,
  type AccessRequestStatus,
  findAccessRequestStatus,
  insertAccessRequest,
  listAccessRequests,
  updateAccessRequestStatus,
  upsertAcceptedAccess,
} from "../db/queries/access-requests.js";
import { findUserByName } from "../db/queries/users.js";
import { DomainError, invalid } from "../lib/domain-error.js";
import { checkGateAnswers, type GateForm, gateFormOf } from "../lib/gate-form.js";
import { canManageAccessRequests, isGated, writeDenied } from "./access.js";
import type { AuditLog } from "./audit-log.js";
import type { Principal } from "./principal.js";
import type { Repo, RepoRef, RepoService } from "./repos.js";

export { type AccessRequestRow, type AccessRequestStatus, accessRequestStatuses } from "../db/queries/access-requests.js";

/** A gated repo as one caller sees it: its mode, the caller's request, and the form to fill in. */
export interface GateView {
  gated: false | "auto" | "manual";
  /** The caller's request; "none" when they made none (or are anonymous). */
  status: AccessRequestStatus | "none";
  /** Whether the caller may download the files now (owners and accepted users). */
  hasAccess: boolean;
  form: GateForm;
}

export interface AccessRequestPage {
  requests: AccessRequestRow[];
  /** Present when more requests follow; pass it back as `cursor`. */
  nextCursor?: string;
}

/** Longest rejection reason kept (the Hub's limit). */
const maxRejectReason = 200;

/**
 * Access requests of gated repos (hf-hub-protocol.md §10): users fill in the
 * card's form to ask; "auto" repos accept at once, "manual" ones wait for
 * someone who may write the repo to accept, reject, cancel (back to pending) or
 * grant. Whether a request opens the files is decided in `access.ts`
 * (`canReadContent`); the request's state is read on every content access, so
 * a decision takes effect at once.
 */
export class AccessRequestService {
  constructor(
    private readonly db: Db,
    private readonly repos: RepoService,
    private readonly auditLog: AuditLog,
  ) {}

  /** `GET /api/{t}/<repo>/gate`: the form and the caller's standing, for any repo they can see. */
  async gate(p: Principal, ref: RepoRef): Promise<GateView> {
    const repo = await this.repos.findReadable(p, ref);
    return this.viewOf(p, repo);
  }

  /**
   * `POST /api/{t}/<repo>/ask-access`: records the caller's request with their
   * answers. On an "auto" repo it is accepted at once. Asking again changes
   * nothing: a pending request stays pending, a rejected one rejected.
   */
  async ask(p: Principal, ref: RepoRef, answers: unknown): Promise<GateView> {
    if (p.kind === "anonymous") throw new DomainError("Unauthenticated", "Sign in to request access to this repository");
    const repo = await this.repos.findReadable(p, ref);
    const gated = gatedMode(repo);
    if (!gated) throw invalid(`${repo.id} is not gated; its files need no access request`);
    const form = gateFormOf(parseCardData(repo));
    const fields = checkGateAnswers(form, answers);
    // Owners and admins have access without asking; an existing request keeps its state.
    const existing = await findAccessRequestStatus(this.db, repo.row.id, p.userId);
    if (existing === undefined && !(await this.repos.mayReadContent(p, repo))) {
      const status = await insertAccessRequest(this.db, {
        repoId: repo.row.id,
        userId: p.userId,
        status: gated === "auto" ? "accepted" : "pending",
        fields,
      });
      await this.audit(p, repo, p.name, status, false);
    }
    return this.viewOf(p, repo);
  }

  /** `GET /api/{t}/<repo>/user-access-request/<status>`: one page of requests in that state. */
  async list(p: Principal, ref: RepoRef, status: AccessRequestStatus, page: { limit: number; cursor?: string }): Promise<AccessRequestPage> {
    const repo = await this.managed(p, ref);
    // The Hub answers 403 for the request lists of a repo that is not gated.
    if (!isGated(repo.row)) throw new DomainError("PermissionDenied", `${repo.id} is not gated`);
    const { rows, last } = await listAccessRequests(this.db, repo.row.id, status, {
      limit: page.limit,
      ...(page.cursor !== undefined ? { after: parseCursor(page.cursor) } : {}),
    });
    return last ? { requests: rows, nextCursor: formatCursor(last) } : { requests: rows };
  }

  /**
   * `POST /api/{t}/<repo>/user-access-request/handle`: moves a user's request
   * to accepted, rejected (with an optional reason) or back to pending
   * ("cancel"). Anything but accepted closes the files at once.
   */
  async handle(p: Principal, ref: RepoRef, input: { user: string; status: AccessRequestStatus; rejectReason?: string }): Promise<void> {
    const repo = await this.managedGated(p, ref);
    if (input.rejectReason !== undefined && input.status !== "rejected") throw invalid("a rejection reason goes only with status 'rejected'");
    if (input.rejectReason !== undefined && input.rejectReason.length > maxRejectReason) {
      throw invalid(`the rejection reason must be at most ${maxRejectReason} characters`);
    }
    const user = await this.userNamed(input.user);
    const updated = await updateAccessRequestStatus(this.db, repo.row.id, user.id, input.status, input.status === "rejected" ? (input.rejectReason ?? null) : null);
    if (!updated) throw new DomainError("NotFound", `No access request found for user ${input.user} on ${repo.id}`);
    await this.audit(p, repo, input.user, input.status, true, input.rejectReason);
  }

  /** `POST /api/{t}/<repo>/user-access-request/grant`: gives a user access without a request of theirs. */
  async grant(p: Principal, ref: RepoRef, userName: string): Promise<void> {
    const repo = await this.managedGated(p, ref);
    const user = await this.userNamed(userName);
    if ((await findAccessRequestStatus(this.db, repo.row.id, user.id)) === "accepted") {
      throw invalid(`${userName} already has access to ${repo.id}`);
    }
    await upsertAcceptedAccess(this.db, repo.row.id, user.id);
    await this.audit(p, repo, userName, "accepted", true);
  }

  private async viewOf(p: Principal, repo: Repo): Promise<GateView> {
    const status = p.kind === "user" ? ((await findAccessRequestStatus(this.db, repo.row.id, p.userId)) ?? "none") : "none";
    return {
      gated: gatedMode(repo),
      status,
      hasAccess: await this.repos.mayReadContent(p, repo),
      form: gateFormOf(parseCardData(repo)),
    };
  }

  /** The repo, if the caller may decide its requests (write access); otherwise as `findWritable` refuses. */
  private async managed(p: Principal, ref: RepoRef): Promise<Repo> {
    const repo = await this.repos.findReadable(p, ref);
    if (!canManageAccessRequests(p, repo.row)) throw writeDenied(p, repo.id);
    return repo;
  }

  private async managedGated(p: Principal, ref: RepoRef): Promise<Repo> {
    const repo = await this.managed(p, ref);
    if (!isGated(repo.row)) throw invalid(`${repo.id} is not gated; enable gating in its settings first`);
    return repo;
  }

  private async userNamed(name: string) {
    const user = await findUserByName(this.db, name);
    if (!user) throw new DomainError("NotFound", `User ${name} not found`);
    return user;
  }

  /**
   * The one place access decisions reach the audit log (`AuditLog`):
   * access opened is `access.grant`, a decision that closes it (rejected, or
   * sent back to pending) `access.revoke`, a new pending request
   * `access.request`.
   */
  private async audit(p: Principal, repo: Repo, user: string, status: AccessRequestStatus, decided: boolean, rejectReason?: string): Promise<void> {
    const action = status === "accepted" ? "access.grant" : decided ? "access.revoke" : "access.request";
    await this.auditLog.record(p, action, `${repo.type}/${repo.id}`, { user, status, ...(rejectReason !== undefined ? { rejectReason } : {}) });
  }
}

function gatedMode(repo: Repo): false | "auto" | "manual" {
  return repo.row.gated === "auto" || repo.row.gated === "manual" ? repo.row.gated : false;
}

function parseCardData(repo: Repo): Record<string, unknown> {
  try {
    const data = JSON.parse(repo.row.card_data) as unknown;
    return data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function formatCursor(last: { createdAt: string; userId: number }): string {
  return Buffer.from(JSON.stringify([last.createdAt, last.userId])).toString("base64url");
}

function parseCursor(cursor: string): { createdAt: string; userId: number } {
  try {
    const [createdAt, userId] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as unknown[];
    if (typeof createdAt === "string" && Number.isSafeInteger(userId)) return { createdAt, userId: userId as number };
  } catch {
    // fall through
  }
  throw invalid("invalid cursor");
}
