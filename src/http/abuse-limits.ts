import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AbuseLimits } from "../services/abuse-limits.js";

/** Requests that change nothing although they are POSTs (reads with a body, the sign-in flow with its own limit). */
const notWrites = [/\/paths-info\//, /^\/api\/validate-yaml$/, /^\/api\/auth\//];

/**
 * Whether a request counts against the write limit: a Hub API call that may
 * change something (any method but GET/HEAD/OPTIONS under `/api/`, except
 * reads with a body) or a git push. LFS transfers (signed, streamed, many
 * parts per file) and the OpenAI routes (their own queue) are not counted.
 */
export function isWriteRequest(request: FastifyRequest): boolean {
  const method = request.method;
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return false;
  const route = request.routeOptions.url ?? "";
  if (route.endsWith("/git-receive-pack")) return true;
  return route.startsWith("/api/") && !notWrites.some((re) => re.test(route));
}

/** Counts writes per token (per user for a session, per IP without either) after authentication; 429 beyond the limit. */
export function registerWriteLimit(app: FastifyInstance, limits: AbuseLimits): void {
  app.addHook("onRequest", async (request) => {
    if (!isWriteRequest(request)) return;
    const p = request.principal;
    limits.write(p.kind === "anonymous" ? `ip:${request.ip}` : p.via === "session" ? `user:${p.userId}` : `token:${p.token.id}`);
  });
}
