import type { FastifyInstance } from "fastify";
import { repoTypes, repoUrlPrefix } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import { serveFile } from "./resolve-file.js";

/**
 * `GET|HEAD /[datasets/|spaces/]<ns>/<name>/raw/<rev>/<path>`: the git blob as
 * stored, so the pointer text for an LFS file. @huggingface/hub's `fileExists`
 * sends a HEAD here (404 ⇒ false) and `downloadFile({ raw: true })` a GET.
 */
export function registerRawFile(app: FastifyInstance, services: Services): void {
  for (const type of repoTypes) {
    app.route({
      method: ["GET", "HEAD"],
      url: `/${repoUrlPrefix[type]}:namespace/:name/raw/*`,
      handler: (request, reply) => serveFile(request, reply, services, type, "raw"),
    });
  }
}
