import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";

/**
 * Operations endpoints of the inference gateway.
 *
 * `GET /metrics` is open, as Prometheus scrapes expect: its series name
 * models by content id, never by repo, so it reveals nothing private.
 * `GET /api/inference/status` lists loaded models with the repos they were
 * called as, their memory and queues: administrators only.
 */
export function registerInferenceOperations(app: FastifyInstance, services: Services): void {
  app.get("/metrics", async (_request, reply) => {
    reply.type("text/plain; version=0.0.4; charset=utf-8");
    return services.inference.metrics.registry.render();
  });

  app.get("/api/inference/status", async (request) => services.inference.status(request.principal));
}
