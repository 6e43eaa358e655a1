import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, runCommand, type Server, startServer, waitUntilServing } from "./processes.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/**
 * The built CLI, exactly what `modelport serve` runs in production (hence `npm run build` first);
 * `BENCH_CLI` names another build of it (say one compiled to a scratch folder).
 */
const cli = process.env.BENCH_CLI || path.join(repoRoot, "bin", "modelport.js");

export interface BenchHub extends Server {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** A write token for the benchmark user. */
  token: string;
}

export interface LfsAction {
  href: string;
  header?: Record<string, string>;
}

/**
 * Starts `modelport serve` as its own process (its RSS is what we watch) on a
 * free loopback port, with a fresh data folder and a benchmark user.
 * `settings` are `MODELPORT_*` variables the benchmark pins (say the
 * inference threads); nothing else of the caller's hub config gets through.
 */
export async function startHub(dataDir: string, logFile: string, signal: AbortSignal, settings: Record<string, string> = {}): Promise<BenchHub> {
  const env = { ...hubEnv(), ...settings };
  await runCommand(process.execPath, [cli, "user", "create", "bench", "--data", dataDir], { env, signal });
  const token = lastLine(await runCommand(process.execPath, [cli, "token", "create", "bench", "--role", "write", "--data", dataDir], { env, signal }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Warnings only: per-request info logs would add noise to the log, not to the measurement.
  const server = startServer("hub", process.execPath, [cli, "serve", "--data", dataDir, "--host", "127.0.0.1", "--port", String(port), "--log-level", "warn"], {
    logFile,
    env,
  });
  await waitUntilServing(server, "hub", `${url}/health`, signal);
  return { ...server, url, token };
}

/** The caller's environment without MODELPORT_* settings, so a developer's own hub config (say a PostgreSQL URL) cannot leak in. */
function hubEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MODELPORT_")));
}

function lastLine(text: string): string {
  const line = text.trim().split("\n").pop()?.trim();
  if (!line) throw new Error("token create printed no token");
  return line;
}

/** Creates a model repo owned by the benchmark user; returns its id (`bench/<name>`). */
export async function createRepo(hub: BenchHub, name: string): Promise<string> {
  const body = (await postJson(hub, "/api/repos/create", "application/json", { name })) as { name?: string };
  if (typeof body.name !== "string") throw new Error(`repo create answered without a name: ${JSON.stringify(body)}`);
  return body.name;
}

/** Asks the git-lfs batch API for the transfer actions of one object, as git-lfs would. */
export async function lfsBatch(hub: BenchHub, repoId: string, operation: "upload" | "download", oid: string, size: number): Promise<Record<string, LfsAction>> {
  const body = (await postJson(hub, `/${repoId}.git/info/lfs/objects/batch`, "application/vnd.git-lfs+json", {
    operation,
    transfers: ["basic"],
    objects: [{ oid, size }],
  })) as { objects?: { actions?: Record<string, LfsAction>; error?: unknown }[] };
  const object = body.objects?.[0];
  if (!object?.actions) throw new Error(`batch ${operation} gave no actions: ${JSON.stringify(body)}`);
  return object.actions;
}

/** Runs an LFS `verify` action: the hub confirms the object is stored and linked. */
export async function lfsVerify(action: LfsAction, oid: string, size: number): Promise<void> {
  const res = await fetch(action.href, {
    method: "POST",
    headers: { "content-type": "application/vnd.git-lfs+json", ...action.header },
    body: JSON.stringify({ oid, size }),
  });
  if (!res.ok) throw new Error(`verify failed: ${res.status} ${await res.text()}`);
}

async function postJson(hub: BenchHub, urlPath: string, contentType: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${hub.url}${urlPath}`, {
    method: "POST",
    headers: { "content-type": contentType, authorization: `Bearer ${hub.token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${urlPath} failed: ${res.status} ${text}`);
  return JSON.parse(text);
}
