import type { ChildProcess } from "node:child_process";
import { spawnGit } from "./run-git.js";

export interface ObjectInfo {
  oid: string;
  type: "blob" | "tree" | "commit" | "tag";
  size: number;
}

interface Pending {
  kind: "info" | "contents";
  resolve: (value: { info: ObjectInfo; content?: Buffer } | undefined) => void;
  reject: (err: Error) => void;
}

/**
 * One long-running `git cat-file --batch-command` (git ≥ 2.36) per repo: object
 * and revision look-ups without a process spawn per request. Commands are
 * answered in order, so a queue of pending callbacks pairs them with replies.
 * `spec` is any object name git accepts (`<sha>`, `refs/heads/main^{commit}`,
 * `<commit>:<path>`); callers validate it first.
 */
export class CatFile {
  private child: ChildProcess | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly idleMs = 30_000,
  ) {}

  /** Type and size of an object, or undefined when the name does not resolve. */
  async info(spec: string): Promise<ObjectInfo | undefined> {
    return (await this.send("info", spec))?.info;
  }

  /** Type, size and bytes of an object (meant for small objects: it is buffered). */
  async contents(spec: string): Promise<{ info: ObjectInfo; content: Buffer } | undefined> {
    const r = await this.send("contents", spec);
    return r && { info: r.info, content: r.content! };
  }

  /** Ends the process; idempotent. */
  close(): void {
    clearTimeout(this.idleTimer);
    const child = this.child;
    this.child = undefined;
    if (child) child.stdin!.end();
    this.failAll(new Error("cat-file closed"));
  }

  private send(kind: Pending["kind"], spec: string): Promise<{ info: ObjectInfo; content?: Buffer } | undefined> {
    if (/[\n\0]/.test(spec)) return Promise.resolve(undefined);
    const child = this.ensure();
    clearTimeout(this.idleTimer);
    return new Promise((resolve, reject) => {
      this.pending.push({ kind, resolve, reject });
      child.stdin!.write(`${kind} ${spec}\n`);
    });
  }

  private ensure(): ChildProcess {
    if (this.child) return this.child;
    // Without --buffer, git flushes its answer after every command.
    const child = spawnGit(["cat-file", "--batch-command"], { cwd: this.dir });
    child.stdout!.on("data", (c: Buffer) => this.onData(c));
    child.stdin!.on("error", () => {});
    child.once("close", () => {
      if (this.child === child) this.child = undefined;
      this.buffer = Buffer.alloc(0);
      this.failAll(new Error(`git cat-file exited in ${this.dir}`));
    });
    child.once("error", () => {});
    this.child = child;
    return child;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const head = this.pending[0];
      if (!head) break;
      const nl = this.buffer.indexOf(10);
      if (nl < 0) break;
      const line = this.buffer.subarray(0, nl).toString("utf8");
      const m = /^([0-9a-f]{40}) (blob|tree|commit|tag) (\d+)$/.exec(line);
      if (!m) {
        // "<name> missing" or "<name> ambiguous"
        this.buffer = this.buffer.subarray(nl + 1);
        this.pending.shift();
        head.resolve(undefined);
        continue;
      }
      const info: ObjectInfo = { oid: m[1]!, type: m[2] as ObjectInfo["type"], size: Number(m[3]) };
      if (head.kind === "info") {
        this.buffer = this.buffer.subarray(nl + 1);
        this.pending.shift();
        head.resolve({ info });
        continue;
      }
      const end = nl + 1 + info.size;
      if (this.buffer.length < end + 1) break; // content and its trailing newline not all here yet
      const content = Buffer.from(this.buffer.subarray(nl + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.pending.shift();
      head.resolve({ info, content });
    }
    if (this.pending.length === 0) {
      this.idleTimer = setTimeout(() => this.close(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  private failAll(err: Error): void {
    for (const p of this.pending.splice(0)) p.reject(err);
  }
}

/** A bounded set of `CatFile` processes, one per recently used repo. */
export class CatFilePool {
  private readonly byDir = new Map<string, CatFile>();

  constructor(private readonly max = 64) {}

  get(dir: string): CatFile {
    let cf = this.byDir.get(dir);
    if (cf) {
      this.byDir.delete(dir); // re-insert: Map order is our LRU order
    } else {
      cf = new CatFile(dir);
      if (this.byDir.size >= this.max) {
        const [oldestDir, oldest] = this.byDir.entries().next().value as [string, CatFile];
        this.byDir.delete(oldestDir);
        oldest.close();
      }
    }
    this.byDir.set(dir, cf);
    return cf;
  }

  /** Drops the process of a repo (deleted or moved). */
  forget(dir: string): void {
    this.byDir.get(dir)?.close();
    this.byDir.delete(dir);
  }

  closeAll(): void {
    for (const cf of this.byDir.values()) cf.close();
    this.byDir.clear();
  }
}
