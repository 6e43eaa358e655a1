import { createHash, randomFill } from "node:crypto";
import { open } from "node:fs/promises";
import { promisify } from "node:util";

const fill = promisify(randomFill);
const chunkSize = 4 << 20;

/**
 * Writes `size` random bytes to `file` and returns their sha256 (the LFS oid).
 * Random bytes keep any compression or deduplication on the way from helping.
 */
export async function writeRandomFile(file: string, size: number): Promise<string> {
  const hash = createHash("sha256");
  const buf = Buffer.allocUnsafe(chunkSize);
  const fh = await open(file, "w");
  try {
    for (let written = 0; written < size; ) {
      const chunk = buf.subarray(0, Math.min(chunkSize, size - written));
      await fill(chunk);
      hash.update(chunk);
      const { bytesWritten } = await fh.write(chunk);
      if (bytesWritten !== chunk.length) throw new Error(`short write to ${file} (disk full?)`);
      written += chunk.length;
    }
  } finally {
    await fh.close();
  }
  return hash.digest("hex");
}
