import { runCommand } from "./processes.js";

/**
 * Times coreutils `sha256sum` over `file`: the cost of merely reading and
 * hashing the bytes, which a verifying upload cannot beat. Also checks the
 * digest, so the reference really did the work.
 */
export async function timedSha256sum(file: string, expectedOid: string): Promise<number> {
  const started = performance.now();
  const out = await runCommand("sha256sum", [file]);
  const seconds = (performance.now() - started) / 1000;
  const digest = out.split(/\s/, 1)[0];
  if (digest !== expectedOid) throw new Error(`sha256sum printed ${digest}, expected ${expectedOid}`);
  return seconds;
}
