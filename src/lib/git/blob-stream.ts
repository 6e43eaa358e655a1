import { type Readable, Transform, type TransformCallback } from "node:stream";
import type { ByteRange } from "../storage/blob-store.js";
import { spawnGit } from "./run-git.js";

const blobOid = /^[0-9a-f]{40}$/;

/**
 * Streams a git blob (`git cat-file blob <oid>`), whole or one byte range,
 * without buffering it. Bytes before the range are dropped as they pass and
 * git is stopped once the range is out. Destroying the returned stream (a
 * client that went away) stops git too.
 */
export function streamBlob(repoDir: string, oid: string, range?: ByteRange): Readable {
  if (!blobOid.test(oid)) throw new Error(`not a blob id: ${oid}`);
  const child = spawnGit(["cat-file", "blob", oid], { cwd: repoDir });
  child.stdin!.end();
  child.stderr!.resume();
  let finished = false;
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  };
  const out = range ? child.stdout!.pipe(new RangeSlice(range, () => { finished = true; stop(); })) : child.stdout!;
  child.once("close", (code) => {
    if (code !== 0 && !finished && !out.destroyed) out.destroy(new Error(`git cat-file blob ${oid} exited with ${code}`));
  });
  child.once("error", (err) => out.destroy(err));
  out.once("close", stop);
  if (range) child.stdout!.once("error", (err) => out.destroy(err));
  return out;
}

/** Passes on bytes `start..end` (inclusive) of what flows through it, then ends. */
class RangeSlice extends Transform {
  private offset = 0;
  private ended = false;

  constructor(
    private readonly range: ByteRange,
    private readonly onDone: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.ended) return done(); // git is being stopped; the rest is not wanted
    const chunkStart = this.offset;
    this.offset += chunk.length;
    const from = Math.max(this.range.start - chunkStart, 0);
    const to = Math.min(this.range.end + 1 - chunkStart, chunk.length);
    if (to > from) this.push(chunk.subarray(from, to));
    if (this.offset > this.range.end) {
      this.ended = true;
      this.push(null);
      this.onDone();
    }
    done();
  }
}
