import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DomainError } from "../domain-error.js";

/** Layout of one multipart upload: `size` bytes in parts of `chunkSize` (the last one shorter). */
export interface PartLayout {
  size: number;
  chunkSize: number;
}

/** How many parts an object of `size` bytes has (0 for an empty object). */
export function partCount({ size, chunkSize }: PartLayout): number {
  return Math.ceil(size / chunkSize);
}

/** The exact byte length of part `n` (1-based). */
export function partLength(layout: PartLayout, n: number): number {
  return n < partCount(layout) ? layout.chunkSize : layout.size - (partCount(layout) - 1) * layout.chunkSize;
}

const ioChunk = 1 << 20;

/**
 * Parts of multipart LFS uploads waiting on disk for their completion call
 * (hf-hub-protocol.md §5.5 "Multipart"). Each upload has a folder of its own;
 * each part streams into a temp file that is renamed to its number once its
 * length is right, so a retried part replaces the old one whole. The ETag of a
 * part is the sha256 of its bytes; `join` re-checks every ETag and streams the
 * parts in order, so the caller can hash and store the object without
 * holding it. Folders left by uploads that never completed are swept.
 */
export class MultipartStaging {
  private lastSweep = 0;

  constructor(
    private readonly root: string,
    /** Folders untouched for this long belong to abandoned uploads. */
    private readonly abandonAfterMs: number,
  ) {}

  /** Writes part `n` of `upload` and returns its ETag (quoted, as HTTP wants it). */
  async writePart(upload: string, layout: PartLayout, n: number, body: Readable): Promise<string> {
    const dir = this.dirOf(upload);
    await mkdir(dir, { recursive: true });
    const expected = partLength(layout, n);
    const tmp = path.join(dir, `${n}.${randomBytes(6).toString("hex")}.tmp`);
    const hash = createHash("sha256");
    let received = 0;
    const check = new Transform({
      highWaterMark: ioChunk,
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        if (received > expected) return done(new DomainError("InvalidArgument", `part ${n} must be ${expected} bytes; received more`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, check, createWriteStream(tmp, { highWaterMark: ioChunk }));
      if (received !== expected) throw new DomainError("InvalidArgument", `part ${n} must be ${expected} bytes; received ${received}`);
      await rename(tmp, path.join(dir, String(n)));
      return `"${hash.digest("hex")}"`;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /**
   * The whole object as one stream: parts 1..N in order, each checked against
   * the ETag the client reported for it. Fails (as a stream error) on a
   * missing part or an ETag that does not match. Checks every part is present
   * with its length before returning, so an incomplete upload fails fast.
   */
  async join(upload: string, layout: PartLayout, etags: string[]): Promise<Readable> {
    const dir = this.dirOf(upload);
    const count = partCount(layout);
    for (let n = 1; n <= count; n++) {
      const s = await stat(path.join(dir, String(n))).catch(() => undefined);
      if (!s || s.size !== partLength(layout, n)) {
        throw new DomainError("InvalidArgument", `part ${n} of this upload has not been uploaded (or not completely)`);
      }
    }
    async function* parts(): AsyncGenerator<Buffer> {
      for (let n = 1; n <= count; n++) {
        const hash = createHash("sha256");
        for await (const chunk of createReadStream(path.join(dir, String(n)), { highWaterMark: ioChunk })) {
          hash.update(chunk as Buffer);
          yield chunk as Buffer;
        }
        if (hash.digest("hex") !== normalizeEtag(etags[n - 1] ?? "")) {
          throw new DomainError("InvalidArgument", `the etag given for part ${n} does not match the part that was uploaded`);
        }
      }
    }
    return Readable.from(parts(), { objectMode: false });
  }

  /** Removes an upload's parts; idempotent. */
  async discard(upload: string): Promise<void> {
    await rm(this.dirOf(upload), { recursive: true, force: true });
  }

  /** Removes folders of abandoned uploads; runs at most once a minute, errors ignored. */
  async sweep(now = Date.now()): Promise<void> {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const names = await readdir(this.root).catch(() => [] as string[]);
    for (const name of names) {
      const dir = path.join(this.root, name);
      const s = await stat(dir).catch(() => undefined);
      if (s && now - s.mtimeMs > this.abandonAfterMs) await rm(dir, { recursive: true, force: true }).catch(() => {});
    }
  }

  private dirOf(upload: string): string {
    // Upload ids are made by the service from validated parts: `<repo row id>-<oid>-<random hex>`.
    if (!/^[0-9]+-[0-9a-f]{64}-[0-9a-f]{16}$/.test(upload)) throw new DomainError("InvalidArgument", "invalid upload id");
    return path.join(this.root, upload);
  }
}

/** `"abc"`, `W/"abc"` and `abc` all name the part hash `abc`. */
function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, "").replace(/^"(.*)"$/, "$1").toLowerCase();
}
