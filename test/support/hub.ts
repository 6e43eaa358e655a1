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

/** A request to the hub's API, as the given token (anonymous without one), with a JSON body when given (a string is sent as it is). */
export function api(t: TestHub, method: string, path: string, token?: string, body?: unknown): Promise<Response> {
  return fetch(`${t.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

/** Status, error code and message of an answer: what a client can tell apart. */
export async function answer(res: Response): Promise<{ status: number; code: string | null; message: string | null; body: string }> {
  return { status: res.status, code: res.headers.get("x-error-code"), message: res.headers.get("x-error-message"), body: await res.text() };
}

/** Calls the hub's JSON API with a token and fails the test on any answer but 200. */
async function apiCall<T>(t: TestHub, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await api(t, method, path, token, body);
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Creates an organization through the API; the token's user becomes its admin. */
export async function createOrg(t: TestHub, adminToken: string, name: string): Promise<void> {
  await apiCall(t, adminToken, "POST", "/api/organizations", { name });
}

/** Adds an existing user to an org with a role (the token must be an org admin's). */
export async function addOrgMember(
  t: TestHub,
  adminToken: string,
  org: string,
  user: string,
  role: "read" | "contributor" | "write" | "admin",
): Promise<void> {
  await apiCall(t, adminToken, "POST", `/api/organizations/${org}/members`, { user, role });
}

/** A scope of a fine-grained token (docs/compat/hf-api.md lists the permissions). */
export interface TestScope {
  entity: { type: "user" | "org" | "model" | "dataset" | "space"; name: string };
  permissions: ("repo.content.read" | "repo.write" | "org.read" | "org.write" | "inference.serverless.write")[];
}

/** Creates a fine-grained token for the owner of `ownerToken` (a write token) and returns it. */
export async function scopedToken(
  t: TestHub,
  ownerToken: string,
  scoped: TestScope[],
  opts: { name?: string; expiresAt?: string } = {},
): Promise<string> {
  const body = { name: opts.name ?? "fine-grained", role: "fineGrained", scoped, ...(opts.expiresAt ? { expiresAt: opts.expiresAt } : {}) };
  return (await apiCall<{ token: string }>(t, ownerToken, "POST", "/api/settings/tokens", body)).token;
}
