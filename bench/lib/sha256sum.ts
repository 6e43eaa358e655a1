import { runCommand } from "./processes.js";

/**
 * Times coreutils `sha256sum` over `file`: the cost of merely reading and
 * hashing the bytes, which a verifying upload cannot beat. The digest it
 * prints is the file's LFS oid; the hub checks it again on upload.
 */
export async function timedSha256sum(file: string, signal: AbortSignal): Promise<{ seconds: number; oid: string }> {
  const started = performance.now();
  const out = await runCommand("sha256sum", [file], { signal });
  const seconds = (performance.now() - started) / 1000;
  const oid = out.split(/\s/, 1)[0] ?? "";
  if (!/^[0-9a-f]{64}$/.test(oid)) throw new Error(`sha256sum printed no digest: ${out}`);
  return { seconds, oid };
}
