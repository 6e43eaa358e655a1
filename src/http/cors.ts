import type { FastifyInstance } from "fastify";

/**
 * CORS for browser use of @huggingface/hub and transformers.js
 * (hf-hub-protocol.md §1.9): any origin, the headers those clients read
 * exposed, and preflights answered for every route.
 */
const exposed = [
  "ETag", "X-Linked-ETag", "X-Linked-Size", "X-Repo-Commit", "Content-Range", "Content-Length", "Accept-Ranges",
  "Link", "X-Error-Code", "X-Error-Message", "X-Request-Id", "X-Total-Count",
].join(", ");

export function registerCors(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    reply.header("Access-Control-Allow-Origin", "*");
    reply.header("Access-Control-Expose-Headers", exposed);
    if (request.method === "OPTIONS" && request.headers["access-control-request-method"]) {
      reply
        .code(204)
        .header("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS")
        .header("Access-Control-Allow-Headers", "Authorization, Range, Content-Type, Accept, X-Request-Id")
        .header("Access-Control-Max-Age", "86400");
      return reply.send();
    }
  });
}
