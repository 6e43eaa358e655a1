import { DomainError } from "../lib/domain-error.js";
import { isSafeRepoPath } from "../lib/git/revisions.js";
import { readNdjson } from "../lib/ndjson.js";
import { oidPattern } from "../lib/storage/blob-store.js";

/**
 * The NDJSON body of `POST /api/{t}/{repo}/commit/{rev}` (hf-hub-protocol.md
 * §5.6) turned into operations, one line at a time: a `header` first, then
 * `file`, `lfsFile`, `deletedFile` and `deletedFolder` lines in order. Inline
 * file contents are handed to `writeBlob` as each line arrives, so only one
 * file is ever held in memory, and operations keep just the blob id.
 */
export interface CommitHeader {
  summary: string;
  description: string;
  /** The commit the client based its changes on; the branch must still be there. */
  parentCommit?: string;
}

export type CommitOperation =
  /** A regular file, already written to the object database as `blob`. */
  | { kind: "file"; path: string; blob: string }
  /** A file stored in LFS; `size` is absent when huggingface_hub copies an existing LFS file. */
  | { kind: "lfsFile"; path: string; oid: string; size?: number }
  | { kind: "deletedFile"; path: string }
  | { kind: "deletedFolder"; path: string };

/** Most operations one commit may carry. */
const maxOperations = 100_000;

export async function readCommitBody(
  body: AsyncIterable<Buffer | string>,
  opts: { maxInlineFileSize: number; writeBlob: (content: Buffer) => Promise<string> },
): Promise<{ header: CommitHeader; operations: CommitOperation[] }> {
  // base64 grows content by 4/3; the rest of the line is its path and a few keys.
  const maxLineBytes = Math.ceil((opts.maxInlineFileSize * 4) / 3) + 64 * 1024;
  let header: CommitHeader | undefined;
  const operations: CommitOperation[] = [];
  for await (const { line, value } of readNdjson(body, { maxLineBytes })) {
    const { key, value: v } = asObject(value, `line ${line}`) as { key?: unknown; value?: unknown };
    const at = `line ${line} (${typeof key === "string" ? key.slice(0, 40) : "no key"})`;
    if (header === undefined) {
      if (key !== "header") throw new DomainError("InvalidArgument", `the first line of a commit must be its header (key "header"); ${at} is not`);
      header = parseHeader(asObject(v, at));
      continue;
    }
    if (operations.length >= maxOperations) throw new DomainError("TooLarge", `a commit may hold at most ${maxOperations} operations`);
    const o = asObject(v, at);
    switch (key) {
      case "file": {
        const path = checkPath(o.path, at);
        const content = decodeContent(o.content, o.encoding, at);
        if (content.length > opts.maxInlineFileSize) {
          throw new DomainError("TooLarge", `'${path}' is larger than the ${opts.maxInlineFileSize} bytes a commit may carry inline; upload it through LFS`);
        }
        if (o.oldPath !== undefined) operations.push({ kind: "deletedFile", path: checkPath(o.oldPath, at) });
        operations.push({ kind: "file", path, blob: await opts.writeBlob(content) });
        break;
      }
      case "lfsFile": {
        const path = checkPath(o.path, at);
        if (o.algo !== undefined && o.algo !== "sha256") throw new DomainError("InvalidArgument", `${at}: 'algo' must be "sha256"`);
        if (typeof o.oid !== "string" || !oidPattern.test(o.oid)) throw new DomainError("InvalidArgument", `${at}: 'oid' must be a lowercase sha256 hex string`);
        if (o.size !== undefined && o.size !== null && !(typeof o.size === "number" && Number.isSafeInteger(o.size) && o.size >= 0)) {
          throw new DomainError("InvalidArgument", `${at}: 'size' must be a non-negative integer`);
        }
        if (o.oldPath !== undefined) operations.push({ kind: "deletedFile", path: checkPath(o.oldPath, at) });
        operations.push({ kind: "lfsFile", path, oid: o.oid, ...(typeof o.size === "number" ? { size: o.size } : {}) });
        break;
      }
      case "deletedFile":
        operations.push({ kind: "deletedFile", path: checkPath(o.path, at) });
        break;
      case "deletedFolder": {
        // huggingface_hub marks folders with a trailing slash.
        const raw = typeof o.path === "string" ? o.path.replace(/\/+$/, "") : o.path;
        operations.push({ kind: "deletedFolder", path: checkPath(raw, at) });
        break;
      }
      case "header":
        throw new DomainError("InvalidArgument", `${at}: a commit has one header, on its first line`);
      default:
        throw new DomainError("InvalidArgument", `${at}: unknown operation; expected file, lfsFile, deletedFile or deletedFolder`);
    }
  }
  if (header === undefined) throw new DomainError("InvalidArgument", "the commit body is empty: it needs a header line and operations");
  return { header, operations };
}

function parseHeader(h: Record<string, unknown>): CommitHeader {
  if (typeof h.summary !== "string" || h.summary.trim() === "") {
    throw new DomainError("InvalidArgument", "the commit header needs a non-empty 'summary' (the commit title)");
  }
  if (h.description !== undefined && h.description !== null && typeof h.description !== "string") {
    throw new DomainError("InvalidArgument", "the commit header's 'description' must be a string");
  }
  const out: CommitHeader = { summary: h.summary, description: typeof h.description === "string" ? h.description : "" };
  if (h.parentCommit !== undefined && h.parentCommit !== null) {
    if (typeof h.parentCommit !== "string" || !/^[0-9a-f]{40}$/.test(h.parentCommit)) {
      throw new DomainError("InvalidArgument", "the commit header's 'parentCommit' must be a full 40-character commit id");
    }
    out.parentCommit = h.parentCommit;
  }
  return out;
}

function asObject(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new DomainError("InvalidArgument", `${at}: expected a JSON object`);
  return v as Record<string, unknown>;
}

/** Paths stay inside the repo: relative, no `..`, no `.git`, no NUL or backslash (422, as the Hub answers). */
function checkPath(p: unknown, at: string): string {
  if (typeof p !== "string") throw new DomainError("InvalidArgument", `${at}: 'path' must be a string`);
  if (!isSafeRepoPath(p)) {
    const shown = JSON.stringify(p.length > 200 ? `${p.slice(0, 200)}…` : p);
    throw new DomainError(
      "Unprocessable",
      `${at}: invalid path ${shown}: paths must be relative, without '.', '..' or '.git' parts, backslashes or control characters`,
    );
  }
  return p;
}

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeContent(content: unknown, encoding: unknown, at: string): Buffer {
  if (typeof content !== "string") throw new DomainError("InvalidArgument", `${at}: 'content' must be a string`);
  if (encoding === undefined || encoding === null || encoding === "utf-8" || encoding === "utf8") return Buffer.from(content, "utf8");
  if (encoding !== "base64") throw new DomainError("InvalidArgument", `${at}: 'encoding' must be "base64" or "utf-8"`);
  if (content.length % 4 !== 0 || !base64Pattern.test(content)) throw new DomainError("InvalidArgument", `${at}: 'content' is not valid base64`);
  return Buffer.from(content, "base64");
}
