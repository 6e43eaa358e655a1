import type { Db } from "../db/connect.js";
import { type AuditRow, insertAuditEvent, listAuditEvents } from "../db/queries/audit-log.js";
import { DomainError } from "../lib/domain-error.js";
import { canAdminister } from "./access.js";
import type { Principal } from "./principal.js";

/**
 * The security events the log records. Others may add actions; keep the
 * `area.verb` form (docs/architecture.md lists them).
 */
export const auditActions = [
  "token.create", "token.revoke",
  "repo.visibility", "repo.gating", "repo.delete", "repo.move",
  "org.create", "org.member.add", "org.member.role", "org.member.remove",
  "access.request", "access.grant", "access.revoke",
] as const;
export type AuditAction = (typeof auditActions)[number] | (string & {});

/** One event as `GET /api/admin/audit-log` returns it. */
export interface AuditEvent {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
  ip: string | null;
}

/** Records security-relevant events and shows them to admins. */
export class AuditLog {
  constructor(private readonly db: Db) {}

  /**
   * Records an event done by `actor` (null: the system) to `target` (a repo
   * id, an org name, `user/token-name`…). Awaited by callers, so an event that
   * happened is in the log before the answer leaves.
   */
  async record(actor: Principal | null, action: AuditAction, target: string, details: Record<string, unknown> = {}, ip: string | null = null): Promise<void> {
    await insertAuditEvent(this.db, {
      at: new Date().toISOString(),
      actor_id: actor?.kind === "user" ? actor.userId : null,
      actor_name: actor?.kind === "user" ? actor.name : null,
      action,
      target,
      details: JSON.stringify(details),
      ip,
    });
  }

  /** A page of events, newest first, for admins only; `cursor` is the last id of the previous page. */
  async list(p: Principal, q: { cursor?: string; limit?: number; action?: string }): Promise<{ events: AuditEvent[]; next?: string }> {
    if (p.kind === "anonymous") throw new DomainError("Unauthenticated", "Authentication required");
    if (!canAdminister(p)) throw new DomainError("PermissionDenied", "Only administrators may read the audit log");
    const limit = q.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new DomainError("InvalidArgument", "limit must be between 1 and 1000");
    let beforeId: number | undefined;
    if (q.cursor !== undefined) {
      beforeId = Number(q.cursor);
      if (!/^\d{1,15}$/.test(q.cursor)) throw new DomainError("InvalidArgument", "cursor must be the id of an event");
    }
    if (q.action !== undefined && !/^[a-z.]{1,64}$/.test(q.action)) throw new DomainError("InvalidArgument", "action must look like token.create");
    const rows = await listAuditEvents(this.db, { beforeId, action: q.action, limit: limit + 1 });
    const page = rows.slice(0, limit).map(toEvent);
    return rows.length > limit ? { events: page, next: String(page.at(-1)!.id) } : { events: page };
  }
}

function toEvent(r: AuditRow): AuditEvent {
  return { id: r.id, at: r.at, actor: r.actor_name, action: r.action, target: r.target, details: JSON.parse(r.details), ip: r.ip };
}
