import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildHub, type Hub } from "../../src/app.js";
import { configWith } from "../../src/config/load.js";
import type { Config } from "../../src/config/registry.js";

export interface TestHub {
  hub: Hub;
  /** `http://127.0.0.1:<port>` */
  url: string;
  dataDir: string;
  /** Creates a user and returns a token of the given role for it. */
  user(name: string, opts?: { role?: "read" | "write"; admin?: boolean }): Promise<string>;
  /** Another token for an existing user. */
  token(name: string, role?: "read" | "write"): Promise<string>;
  close(): Promise<void>;
}

/** Starts a hub on a free loopback port with a fresh data folder. */
export async function startHub(overrides: Partial<Config> = {}): Promise<TestHub> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "modelport-test-"));
  const hub = await buildHub(configWith({ dataDir, logLevel: "warn", host: "127.0.0.1", port: 0, ...overrides }));
  await hub.app.listen({ host: "127.0.0.1", port: 0 });
  const address = hub.app.server.address();
  if (!address || typeof address === "string") throw new Error("no TCP address");
  const token = async (name: string, role: "read" | "write" = "write") =>
    (await hub.services.accounts.createToken(name, { role })).token;
  return {
    hub,
    url: `http://127.0.0.1:${address.port}`,
    dataDir,
    async user(name, opts = {}) {
      await hub.services.accounts.createUser({ name, isAdmin: opts.admin });
      return token(name, opts.role);
    },
    token,
    async close() {
      await hub.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a repo through the HTTP API and returns its id. */
export async function createRepo(
  t: TestHub,
  token: string,
  name: string,
  opts: { type?: "model" | "dataset" | "space"; private?: boolean } = {},
): Promise<string> {
  const res = await fetch(`${t.url}/api/repos/create`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ name, type: opts.type ?? "model", private: opts.private ?? false }),
  });
  if (res.status !== 200) throw new Error(`create ${name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { name: string }).name;
}
