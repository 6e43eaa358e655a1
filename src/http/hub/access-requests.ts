import type { FastifyInstance } from "fastify";
import { invalid } from "../../lib/domain-error.js";
import { repoTypes } from "../../lib/repo-names.js";
import { type AccessRequestRow, type AccessRequestStatus, accessRequestStatuses, type GateView } from "../../services/access-requests.js";
import type { Services } from "../../services/index.js";
import { baseUrlOf, repoRefOf } from "../request-context.js";
import { queryInt, queryString } from "./query.js";

/**
 * An access request as huggingface_hub's `_list_access_requests` reads it
 * (`HH:hf_api.py`, hf-hub-protocol.md §10): `user.email` must be present
 * (null when unknown), `timestamp` is when the user asked.
 */
interface ApiAccessRequest {
  user: { user: string; fullname: string; email: string | null };
  status: AccessRequestStatus;
  timestamp: string;
  fields: Record<string, unknown>;
  /** Present on rejected requests that were given a reason. */
  rejectionReason?: string;
}

/** `GET /api/{t}/<repo>/gate`: the contract the web UI's gate prompt reads (docs/compat/hf-api.md). */
interface ApiGate {
  gated: false | "auto" | "manual";
  status: AccessRequestStatus | "none";
  hasAccess: boolean;
  heading: string;
  prompt: string;
  description: string | null;
  buttonContent: string;
  fields: { name: string; type: string; options?: string[] }[];
}

const defaultPageSize = 100;
const maxPageSize = 1000;

const handleSchema = {
  body: {
    type: "object",
    required: ["user", "status"],
    additionalProperties: false,
    properties: {
      user: { type: "string", minLength: 1, maxLength: 96 },
      status: { type: "string", enum: accessRequestStatuses },
      // The Hub's name, and the shorter one of this project's contract.
      rejectionReason: { type: "string" },
      rejectReason: { type: "string" },
    },
  },
} as const;

const grantSchema = {
  body: {
    type: "object",
    required: ["user"],
    additionalProperties: false,
    properties: { user: { type: "string", minLength: 1, maxLength: 96 } },
  },
} as const;

const askSchema = {
  body: {
    anyOf: [{ type: "object", additionalProperties: false, properties: { fields: { type: "object" } } }, { type: "null" }],
  },
} as const;

/**
 * Gated repos' access requests: the Hub's owner endpoints
 * (`user-access-request/{pending,accepted,rejected,handle,grant}`) and this
 * hub's own `gate` and `ask-access` for the request form (huggingface.co has a
 * web form there, hf-hub-protocol.md §10).
 */
export function registerAccessRequests(app: FastifyInstance, services: Services, publicUrl: string): void {
  for (const type of repoTypes) {
    const base = `/api/${type}s/:namespace/:name`;

    app.get(`${base}/gate`, async (request) => toApiGate(await services.accessRequests.gate(request.principal, repoRefOf(type, request.params))));

    app.post(`${base}/ask-access`, { schema: askSchema }, async (request) => {
      const body = (request.body ?? {}) as { fields?: unknown };
      return toApiGate(await services.accessRequests.ask(request.principal, repoRefOf(type, request.params), body.fields));
    });

    app.get(`${base}/user-access-request/:status`, async (request, reply) => {
      const { status } = request.params as { status: string };
      if (!accessRequestStatuses.includes(status as AccessRequestStatus)) {
        throw invalid(`the request list must be one of ${accessRequestStatuses.join(", ")}`);
      }
      const limit = queryInt(request.query, "limit", { min: 1, max: maxPageSize, fallback: defaultPageSize });
      const cursor = queryString(request.query, "cursor");
      const page = await services.accessRequests.list(request.principal, repoRefOf(type, request.params), status as AccessRequestStatus, {
        limit,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      if (page.nextCursor !== undefined) {
        const { namespace, name } = request.params as { namespace: string; name: string };
        const query = new URLSearchParams({ limit: String(limit), cursor: page.nextCursor });
        reply.header("Link", `<${baseUrlOf(request, publicUrl)}/api/${type}s/${namespace}/${name}/user-access-request/${status}?${query}>; rel="next"`);
      }
      return page.requests.map(toApiAccessRequest);
    });

    app.post(`${base}/user-access-request/handle`, { schema: handleSchema }, async (request) => {
      const body = request.body as { user: string; status: AccessRequestStatus; rejectionReason?: string; rejectReason?: string };
      const reason = body.rejectionReason ?? body.rejectReason;
      await services.accessRequests.handle(request.principal, repoRefOf(type, request.params), {
        user: body.user,
        status: body.status,
        ...(reason !== undefined ? { rejectReason: reason } : {}),
      });
      return {};
    });

    app.post(`${base}/user-access-request/grant`, { schema: grantSchema }, async (request) => {
      await services.accessRequests.grant(request.principal, repoRefOf(type, request.params), (request.body as { user: string }).user);
      return {};
    });
  }
}

function toApiAccessRequest(r: AccessRequestRow): ApiAccessRequest {
  return {
    user: { user: r.userName, fullname: r.fullname, email: r.email },
    status: r.status,
    timestamp: r.createdAt,
    fields: r.fields,
    ...(r.rejectReason !== null ? { rejectionReason: r.rejectReason } : {}),
  };
}

function toApiGate(g: GateView): ApiGate {
  return {
    gated: g.gated,
    status: g.status,
    hasAccess: g.hasAccess,
    heading: g.form.heading,
    prompt: g.form.prompt,
    description: g.form.description,
    buttonContent: g.form.buttonContent,
    fields: g.form.fields.map((f) => ({ name: f.name, type: f.type, ...(f.options ? { options: f.options } : {}) })),
  };
}
