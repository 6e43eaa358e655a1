import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * The default branch (`refs/heads/main`): where HEAD of the bare repo points,
 * read from the `HEAD` file (no process spawn); undefined when HEAD is detached.
 */
export async function defaultBranchRef(repoDir: string): Promise<string | undefined> {
  const head = await readFile(path.join(repoDir, "HEAD"), "utf8").catch(() => "");
  return /^ref: (refs\/heads\/\S+)\s*$/.exec(head)?.[1];
}
