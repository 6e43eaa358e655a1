import { buildHub } from "./app.js";
import type { Config } from "./config/registry.js";

/**
 * Starts the hub and runs until SIGINT or SIGTERM, then drains in-flight
 * requests (new ones get 503) and closes the database.
 */
export async function serve(config: Config): Promise<void> {
  const hub = await buildHub(config);
  const address = await hub.app.listen({ host: config.host, port: config.port });
  hub.app.log.info(`Modelport listening on ${address} (data: ${config.dataDir}, database: ${config.databaseUrl ? "PostgreSQL" : "SQLite"})`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      hub.app.log.info(`${signal} received, shutting down`);
      hub.close().then(resolve, (err) => {
        hub.app.log.error({ err }, "shutdown failed");
        resolve();
      });
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}
