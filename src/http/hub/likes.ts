import type { FastifyInstance } from "fastify";
import { repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { repoRefOf } from "../request-context.js";

/**
 * Likes, as huggingface_hub calls them (`HH:hf_api.py` `like`, `unlike`,
 * `list_liked_repos`, `list_repo_likers`):
 *
 * - `POST|DELETE /api/{t}/<ns>/<name>/like` → `{}`: a signed-in user likes or
 *   stops liking a repo they can see (both idempotent);
 * - `GET /api/users/<user>/likes` → `[{ createdAt, repo: { name, type } }]`,
 *   newest first, only repos the caller can see;
 * - `GET /api/{t}/<ns>/<name>/likers` → `[{ user, fullname, type }]`, newest first.
 */
export function registerLikes(app: FastifyInstance, services: Services): void {
  for (const type of repoTypes) {
    const base = `/api/${type}s/:namespace/:name`;
    app.post(`${base}/like`, async (request) => {
      await services.likes.like(request.principal, repoRefOf(type, request.params));
      return {};
    });
    app.delete(`${base}/like`, async (request) => {
      await services.likes.unlike(request.principal, repoRefOf(type, request.params));
      return {};
    });
    app.get(`${base}/likers`, async (request) => {
      const likers = await services.likes.likers(request.principal, repoRefOf(type, request.params));
      return likers.map((u) => ({ user: u.name, fullname: u.fullname, type: "user" }));
    });
  }
  app.get("/api/users/:user/likes", async (request) => {
    const { user } = request.params as { user: string };
    const liked = await services.likes.likedBy(request.principal, user);
    return liked.map((l) => ({ createdAt: l.createdAt, repo: { name: l.id, type: l.type } }));
  });
}
