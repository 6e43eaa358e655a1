import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import type { Config } from "./config/registry.js";
import { type Db, openDb } from "./db/connect.js";
import { registerAuth } from "./http/auth.js";
import { registerWriteLimit } from "./http/abuse-limits.js";
import { registerCors } from "./http/cors.js";
import { frameworkErrors, registerErrorHandling } from "./http/errors.js";
import { registerRoutes } from "./http/routes.js";
import { loadOrCreateSecret } from "./lib/secret-file.js";
import { UrlSigner } from "./lib/secrets.js";
import { FsBlobStore } from "./lib/storage/fs-blob-store.js";
import { createServices, type Services } from "./services/index.js";

export interface Hub {
  app: FastifyInstance;
  db: Db;
  services: Services;
  /** Stops accepting requests, then closes the database; idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the hub from a configuration without listening: opens (and migrates)
 * the database, the blob store and the services, and registers every route.
 */
export async function buildHub(config: Config): Promise<Hub> {
  const dataDir = path.resolve(config.dataDir);
  const tmpDir = path.join(dataDir, "tmp");
  await mkdir(tmpDir, { recursive: true });
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir });
  try {
    const secret = config.secret || (await loadOrCreateSecret(path.join(dataDir, "secret")));
    const blobStore = await FsBlobStore.create(path.join(dataDir, "lfs"), tmpDir);
    const services = createServices({ config: { ...config, dataDir }, db, blobStore, signer: new UrlSigner(secret) });
    // A repo rename cut short by a crash is finished (or undone) before any request can see it.
    await services.repoSettings.finishInterruptedMoves();

    const app = Fastify({
      logger: { level: config.logLevel },
      genReqId: () => randomUUID(),
      trustProxy: config.publicUrl !== "",
      return503OnClosing: true,
      frameworkErrors,
      // JSON bodies; streamed bodies (commits, git, LFS) have parsers that never buffer and are not limited by it.
      bodyLimit: config.maxJsonBodySize,
    });
    app.addHook("onRequest", async (request, reply) => {
      reply.header("X-Request-Id", request.id);
    });
    services.inference.useLog(app.log.child({ component: "inference" }));
    registerCors(app);
    registerErrorHandling(app);
    registerAuth(app, services.accounts, services.limits, services.sessions);
    registerWriteLimit(app, services.limits);
    await registerRoutes(app, { config, db, services });

    // Repos indexed by an older indexer (existing repos after an upgrade) are re-indexed in the background.
    const stopReindex = new AbortController();
    const reindexing = services.indexer
      .reindexStale({
        dirOf: (type, namespace, name) => services.repos.dirOf(type, namespace, name),
        signal: stopReindex.signal,
        onError: (repo, err) => app.log.warn({ err, repo }, "re-indexing failed; it is retried at the next start"),
      })
      .then(
        (n) => n > 0 && app.log.info(`re-indexed ${n} repos`),
        (err: unknown) => app.log.error({ err }, "re-indexing stopped"),
      );

    let closed = false;
    return {
      app,
      db,
      services,
      async close() {
        if (closed) return;
        closed = true;
        stopReindex.abort();
        await reindexing;
        await app.close();
        await services.inference.dispose();
        services.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
