import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { runGit } from "../../src/lib/git/run-git.js";
import type { TestHub } from "./hub.js";

/** The bare repo of a model repo in a test hub's data folder. */
export function modelRepoDir(t: TestHub, repoId: string): string {
  return path.join(t.dataDir, "repos", "models", `${repoId}.git`);
}

/** Where a ref of a model repo points, read from git itself; undefined when it does not exist. */
export async function refOf(t: TestHub, repoId: string, ref = "refs/heads/main"): Promise<string | undefined> {
  try {
    return (await runGit(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: modelRepoDir(t, repoId) })).trim();
  } catch {
    return undefined;
  }
}

/** Every file path of a revision of a model repo. */
export async function filesAt(t: TestHub, repoId: string, rev = "refs/heads/main"): Promise<string[]> {
  const out = await runGit(["ls-tree", "-r", "-z", "--name-only", rev], { cwd: modelRepoDir(t, repoId) });
  return out.split("\0").filter((p) => p.length > 0);
}

/** A file's blob as git stores it (a pointer for LFS files). */
export async function blobAt(t: TestHub, repoId: string, rev: string, file: string): Promise<string> {
  return runGit(["cat-file", "blob", `${rev}:${file}`], { cwd: modelRepoDir(t, repoId) });
}

/** POSTs an NDJSON commit as the clients do; `lines` are joined with `\n` (objects are JSON-encoded). */
export function postCommit(
  t: TestHub,
  token: string | undefined,
  repoId: string,
  lines: (object | string)[],
  opts: { revision?: string; query?: string } = {},
): Promise<Response> {
  const rev = encodeURIComponent(opts.revision ?? "main");
  return fetch(`${t.url}/api/models/${repoId}/commit/${rev}${opts.query ?? ""}`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n"),
  });
}

export const header = (summary = "test commit", extra: object = {}) => ({ key: "header", value: { summary, description: "", ...extra } });
export const fileLine = (p: string, content: string | Buffer) => ({
  key: "file",
  value: { path: p, content: Buffer.from(content).toString("base64"), encoding: "base64" },
});

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  status: number;
}

/** A `fetch` for the official client that records what it sends (bodies only when they are strings). */
export function recordingFetch(): { fetch: typeof fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const recording: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    requests.push({
      method: init?.method ?? "GET",
      url: String(input),
      headers: Object.fromEntries(new Headers(init?.headers as HeadersInit | undefined).entries()),
      body: typeof init?.body === "string" ? init.body : undefined,
      status: res.status,
    });
    return res;
  };
  return { fetch: recording, requests };
}

/** Files left in the hub's temp folder (uploads, indexes and parts in progress), recursively. */
export async function tmpLeftovers(t: TestHub): Promise<string[]> {
  const entries = await readdir(path.join(t.dataDir, "tmp"), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? "", e.name));
}

/** Uploads one object through the batch API (basic transfer), linking it to the repo. */
export async function uploadLfsObject(t: TestHub, token: string, repoId: string, content: Buffer): Promise<string> {
  const oid = createHash("sha256").update(content).digest("hex");
  const res = await fetch(`${t.url}/${repoId}.git/info/lfs/objects/batch`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/vnd.git-lfs+json" },
    body: JSON.stringify({ operation: "upload", transfers: ["basic"], objects: [{ oid, size: content.length }] }),
  });
  const json = (await res.json()) as { objects: { actions?: { upload: { href: string } } }[] };
  const href = json.objects[0]!.actions?.upload.href;
  if (href) {
    const put = await fetch(href, { method: "PUT", body: new Uint8Array(content) });
    if (put.status !== 200) throw new Error(`upload: ${put.status}`);
  }
  return oid;
}
