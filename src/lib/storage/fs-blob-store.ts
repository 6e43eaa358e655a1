import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DomainError } from "../domain-error.js";
import { type BlobStore, type ByteRange, oidPattern } from "./blob-store.js";

/** Read and write buffer size: large buffers keep throughput near the disk's. */
const chunkSize = 1 << 20;

/**
 * Objects in `<root>/<ab>/<cd>/<oid>`; uploads stream into `tmpDir` while being
 * hashed and are renamed into place only when verified (`tmpDir` must be on the
 * same filesystem so the rename is atomic).
 */
export class FsBlobStore implements BlobStore {
  constructor(
    private readonly root: string,
    private readonly tmpDir: string,
  ) {}

  static async create(root: string, tmpDir: string): Promise<FsBlobStore> {
    await mkdir(root, { recursive: true });
    await mkdir(tmpDir, { recursive: true });
    return new FsBlobStore(root, tmpDir);
  }

  private pathOf(oid: string): string {
    if (!oidPattern.test(oid)) throw new DomainError("InvalidArgument", `invalid LFS oid '${oid.slice(0, 80)}'`);
    return path.join(this.root, oid.slice(0, 2), oid.slice(2, 4), oid);
  }

  async stat(oid: string): Promise<{ size: number } | undefined> {
    try {
      const s = await stat(this.pathOf(oid));
      return { size: s.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  async put(oid: string, size: number, body: Readable): Promise<void> {
    const target = this.pathOf(oid);
    const tmp = path.join(this.tmpDir, `${oid}.${randomBytes(6).toString("hex")}.upload`);
    const hash = createHash("sha256");
    let received = 0;
    const verify = new Transform({
      highWaterMark: chunkSize,
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        // Refuse as soon as the body outgrows the declared size, not after writing it all.
        if (received > size) return done(new DomainError("InvalidArgument", `size mismatch: body is larger than ${size} bytes`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, verify, createWriteStream(tmp, { highWaterMark: chunkSize }));
      if (received !== size) {
        throw new DomainError("InvalidArgument", `size mismatch: expected ${size} bytes, received ${received}`);
      }
      const actual = hash.digest("hex");
      if (actual !== oid) throw new DomainError("InvalidArgument", `sha256 mismatch: expected ${oid}, received ${actual}`);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(tmp, target);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async read(oid: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(oid);
    const stream = createReadStream(file, { highWaterMark: chunkSize, ...(range ?? {}) });
    // Surface a missing object as NotFound before the caller starts a response.
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", (err: NodeJS.ErrnoException) =>
        reject(err.code === "ENOENT" ? new DomainError("NotFound", "LFS object not found") : err),
      );
    });
    return stream;
  }

  async delete(oid: string): Promise<void> {
    await rm(this.pathOf(oid), { force: true });
  }
}
