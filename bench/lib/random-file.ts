import { randomFill } from "node:crypto";
import { open } from "node:fs/promises";
import { promisify } from "node:util";

const fill = promisify(randomFill);
const chunkSize = 4 << 20;

/**
 * Writes `size` random bytes to `file`. Random bytes keep any compression or
 * deduplication on the way from helping.
 */
export async function writeRandomFile(file: string, size: number, signal: AbortSignal): Promise<void> {
  const buf = Buffer.allocUnsafe(chunkSize);
  const fh = await open(file, "w");
  try {
    for (let written = 0; written < size; ) {
      signal.throwIfAborted();
      const chunk = buf.subarray(0, Math.min(chunkSize, size - written));
      await fill(chunk);
      const { bytesWritten } = await fh.write(chunk);
      if (bytesWritten !== chunk.length) throw new Error(`short write to ${file} (disk full?)`);
      written += chunk.length;
    }
  } finally {
    await fh.close();
  }
}

/**
 * Overwrites the first 8 bytes with `run`, making the file a new LFS object
 * (a new oid) at the cost of one page, so every upload run stores an object
 * the hub has never seen, as real uploads do, and no "already have it"
 * shortcut can flatter the figures.
 */
export async function stampRun(file: string, run: number): Promise<void> {
  const fh = await open(file, "r+");
  try {
    const stamp = Buffer.alloc(8);
    stamp.writeBigUInt64BE(BigInt(run));
    await fh.write(stamp, 0, stamp.length, 0);
  } finally {
    await fh.close();
  }
}
