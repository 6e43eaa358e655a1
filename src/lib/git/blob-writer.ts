import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { runGit, spawnGit } from "./run-git.js";

interface Pending {
  file: string;
  resolve: (oid: string) => void;
  reject: (err: Error) => void;
}

/**
 * Writes many blobs into a repo's object database through one
 * `git hash-object -w --no-filters --stdin-paths`: each content goes to a temp
 * file whose path is sent on stdin, and git answers its blob id on a line of
 * its own (it flushes after each), in order. One process per commit instead of
 * one per file. Temp files are removed as soon as git has read them, and all of
 * them by `close()`.
 */
export class BlobWriter {
  private readonly pending: Pending[] = [];
  private readonly files = new Set<string>();
  private readonly removals: Promise<void>[] = [];
  private out = "";
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly tmpDir: string,
  ) {
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.stdout!.on("data", (c: Buffer) => this.onData(c));
    child.stdin!.on("error", () => {}); // an early exit is reported by "close"
    this.exited = new Promise((resolve) => {
      child.once("error", (err) => {
        this.fail(err);
        resolve();
      });
      child.once("close", (code) => {
        this.fail(new Error(`git hash-object exited (${code}): ${stderr.trim()}`));
        resolve();
      });
    });
  }

  static open(repoDir: string, tmpDir: string): BlobWriter {
    return new BlobWriter(spawnGit(["hash-object", "-w", "--no-filters", "--stdin-paths"], { cwd: repoDir }), tmpDir);
  }

  /** Stores `content` as a blob and returns its id. Calls are answered in order. */
  async write(content: Buffer | string): Promise<string> {
    if (this.failure) throw this.failure;
    const file = path.join(this.tmpDir, `blob-${randomBytes(8).toString("hex")}`);
    this.files.add(file);
    await writeFile(file, content);
    return new Promise<string>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending.push({ file, resolve, reject });
      this.child.stdin!.write(`${file}\n`);
    });
  }

  /** Ends the process and removes every temp file; idempotent. */
  async close(): Promise<void> {
    this.child.stdin!.end();
    await this.exited;
    await Promise.all([...this.removals, ...[...this.files].map((f) => rm(f, { force: true }))]);
    this.files.clear();
  }

  private onData(chunk: Buffer): void {
    this.out += chunk.toString("utf8");
    for (let nl = this.out.indexOf("\n"); nl >= 0; nl = this.out.indexOf("\n")) {
      const line = this.out.slice(0, nl);
      this.out = this.out.slice(nl + 1);
      const next = this.pending.shift();
      if (!next) continue;
      this.files.delete(next.file);
      this.removals.push(rm(next.file, { force: true }).catch(() => {}));
      if (/^[0-9a-f]{40}$/.test(line)) next.resolve(line);
      else next.reject(new Error(`git hash-object answered '${line.slice(0, 100)}'`));
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.splice(0)) p.reject(err);
  }
}

/** Writes `content` as a blob into the object database and returns its id (no index, no ref). */
export async function writeBlob(repoDir: string, content: Buffer | string): Promise<string> {
  return (await runGit(["hash-object", "-w", "--stdin"], { cwd: repoDir, input: content })).trim();
}
