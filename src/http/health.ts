import { sql } from "kysely";
import type { FastifyInstance } from "fastify";
import type { Db } from "../db/connect.js";

/** `GET /health` for load balancers: 200 while the database answers, 503 otherwise. */
export function registerHealth(app: FastifyInstance, db: Db): void {
  app.get("/health", async (request, reply) => {
    try {
      await sql`select 1`.execute(db.kysely);
      return { status: "ok" };
    } catch (err) {
      request.log.error({ err }, "health check: database unreachable");
      return reply.code(503).send({ status: "unavailable", error: "database unreachable" });
    }
  });
}
