import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";

/**
 * Reads the key in `file`, creating it with a random value on first use. Two
 * processes starting together agree: only one `wx` create wins, the other reads it.
 */
export async function loadOrCreateSecret(file: string): Promise<string> {
  try {
    await writeFile(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const key = (await readFile(file, "utf8")).trim();
  if (key.length < 32) throw new Error(`${file} holds no usable key; delete it to have a new one made`);
  return key;
}
