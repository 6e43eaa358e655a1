import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { baseUrlOf } from "../request-context.js";

const schema = {
  querystring: {
    type: "object",
    properties: {
      limit: { type: "integer", minimum: 1, maximum: 1000 },
      cursor: { type: "string", pattern: "^[0-9]{1,15}$" },
      action: { type: "string", maxLength: 64 },
    },
  },
} as const;

/**
 * `GET /api/admin/audit-log`: security events, newest first, for admins.
 * Pages follow through an absolute `Link: <…?cursor=…>; rel="next"`, as the
 * Hub's listings do.
 */
export function registerAuditLog(app: FastifyInstance, services: Services, publicUrl: string): void {
  app.get("/api/admin/audit-log", { schema }, async (request, reply) => {
    const q = request.query as { limit?: number; cursor?: string; action?: string };
    const { events, next } = await services.audit.list(request.principal, q);
    if (next !== undefined) {
      const params = new URLSearchParams({ ...(q.limit ? { limit: String(q.limit) } : {}), ...(q.action ? { action: q.action } : {}), cursor: next });
      reply.header("Link", `<${baseUrlOf(request, publicUrl)}/api/admin/audit-log?${params}>; rel="next"`);
    }
    return events;
  });
}
