import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DomainError } from "../../lib/domain-error.js";
import { type RepoType, repoUrlPrefix } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";

/**
 * The web app (web/, built by Vite into dist/web/): hashed bundles under
 * `/assets/`, and `index.html` for every page URL (the app routes in the
 * browser). Page routes never shadow the API, git, LFS, resolve/raw or /v1:
 * Fastify prefers their static segments, and the few paths that fall through
 * to a page pattern but belong to them (`/api/unknown`, a GET on a git
 * endpoint) get the hub's usual 404.
 *
 * A repo page the caller may not see answers HTTP 404 (the app shows its 404
 * page), like the API does. Without a built app, pages answer 503 with the fix.
 */
export function registerWebApp(app: FastifyInstance, services: Services, webDir = defaultWebDir()): void {
  const assetsDir = path.join(webDir, "assets");
  const indexFile = path.join(webDir, "index.html");
  let indexHtml: Buffer | undefined;

  app.get("/assets/*", async (request, reply) => {
    const rel = (request.params as { "*": string })["*"];
    // Names come from Vite's build: a flat folder of `name-hash.ext` files.
    if (!/^[A-Za-z0-9._-]+$/.test(rel) || rel.startsWith(".")) return reply.callNotFound();
    const file = path.join(assetsDir, rel);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return reply.callNotFound();
    reply.header("Cache-Control", "public, max-age=31536000, immutable");
    reply.header("Content-Length", info.size);
    reply.type(contentTypes[path.extname(rel)] ?? "application/octet-stream");
    return reply.send(createReadStream(file));
  });

  const sendPage = async (request: FastifyRequest, reply: FastifyReply, status = 200) => {
    if (!indexHtml) {
      indexHtml = await readFile(indexFile).catch(() => undefined);
      if (!indexHtml) {
        return reply
          .code(503)
          .header("Cache-Control", "no-store")
          .type("text/plain; charset=utf-8")
          .send("Modelport's web app is not built: run `npm run build` (or `npm run build:web`) and restart the hub.\nThe API, git and LFS work without it.\n");
      }
    }
    // The shell changes with each build: browsers revalidate it, the hashed assets stay cached.
    return reply.code(status).header("Cache-Control", "no-cache").type("text/html; charset=utf-8").send(indexHtml);
  };

  const page = async (request: FastifyRequest, reply: FastifyReply) => sendPage(request, reply);
  for (const url of ["/", "/models", "/datasets", "/spaces", "/login", "/join", "/logout", "/new", "/settings", "/settings/*", "/organizations/new", "/admin/audit-log"]) {
    app.get(url, page);
  }

  // `/<user or org>`: a profile. Files someone expects at the root (favicon.ico, robots.txt) are not pages.
  app.get("/:namespace", async (request, reply) => {
    const { namespace } = request.params as { namespace: string };
    if (notPageSegments.has(namespace) || /\.[a-z0-9]{2,4}$/i.test(namespace)) return reply.callNotFound();
    return sendPage(request, reply);
  });

  for (const type of ["model", "dataset", "space"] as const) {
    const prefix = `/${repoUrlPrefix[type]}:namespace/:name`;
    const repoPage = async (request: FastifyRequest, reply: FastifyReply) => {
      const { namespace, name, "*": rest = "" } = request.params as { namespace: string; name: string; "*"?: string };
      if (type === "model" && notPageSegments.has(namespace)) return reply.callNotFound();
      // `.`/`..` segments name no page (and are how traversal attempts look): the hub's 404.
      const dotted = rest.split("/").some((segment) => segment === "." || segment === "..");
      if (name.endsWith(".git") || nonPageTail.test(rest) || dotted) return reply.callNotFound();
      return sendPage(request, reply, (await mayShow(services, request, type, namespace, name)) ? 200 : 404);
    };
    app.get(prefix, repoPage);
    app.get(`${prefix}/*`, repoPage);
  }
  // `/models/<ns>/<name>`: a model's URL with its collection in front, as some links write it.
  app.get("/models/:namespace/:name", async (request, reply) => {
    const { namespace, name } = request.params as { namespace: string; name: string };
    return sendPage(request, reply, (await mayShow(services, request, "model", namespace, name)) ? 200 : 404);
  });
}

/** First segments that belong to the API and other non-page routes. */
const notPageSegments = new Set(["api", "v1", "assets", "health", "metrics", "models", "datasets", "spaces"]);

/** Repo sub-paths served by git, LFS and downloads, never pages. */
const nonPageTail = /^(info\/|git-upload-pack|git-receive-pack|resolve\/|raw\/|resolve$|raw$)/;

/** Whether the caller may see the repo; a bad name is simply not found. */
async function mayShow(services: Services, request: FastifyRequest, type: RepoType, namespace: string, name: string): Promise<boolean> {
  try {
    await services.repos.findReadable(request.principal, { type, namespace, name });
    return true;
  } catch (err) {
    if (err instanceof DomainError) return false;
    throw err;
  }
}

const contentTypes: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
};

/**
 * `dist/web` of this checkout: this module runs from `src/http/web/` (tsx) or
 * `dist/http/web/` (built), three folders below the package root either way.
 */
function defaultWebDir(): string {
  return fileURLToPath(new URL("../../../dist/web/", import.meta.url));
}
