import { runGit } from "./run-git.js";

/** One file of a commit's tree: its mode (`100644`, `100755`, `120000`, `160000`) and object id. */
export interface FileEntry {
  mode: string;
  oid: string;
}

/**
 * Every file of `commit` (blobs, symlinks and submodules; no folders), keyed by
 * path. One `ls-tree` without sizes, so it stays fast on large trees.
 */
export async function readFileMap(repoDir: string, commit: string): Promise<Map<string, FileEntry>> {
  const out = await runGit(["ls-tree", "-r", "-z", "--full-tree", commit], { cwd: repoDir });
  const files = new Map<string, FileEntry>();
  for (const record of out.split("\0")) {
    if (!record) continue;
    const tab = record.indexOf("\t");
    const [mode, , oid] = record.slice(0, tab).split(" ");
    files.set(record.slice(tab + 1), { mode: mode!, oid: oid! });
  }
  return files;
}
