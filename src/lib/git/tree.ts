import { runGit } from "./run-git.js";

export interface TreeEntry {
  type: "blob" | "tree" | "commit";
  mode: string;
  /** Object id: blob or tree sha1. */
  oid: string;
  /** Blob size in bytes; 0 for trees and submodules. */
  size: number;
  /** Path from the repo root. */
  path: string;
}

/**
 * Entries of `commit`'s tree under `dir` ("" for the root): the folder's direct
 * children, or with `recursive` every file and folder below it.
 */
export async function listTree(repoDir: string, commit: string, dir: string, recursive: boolean): Promise<TreeEntry[]> {
  const args = ["ls-tree", "-z", "--long", "--full-tree"];
  if (recursive) args.push("-r", "-t");
  args.push(commit, "--", dir === "" ? "." : `${dir}/`);
  // --full-tree makes "." the root whatever the cwd; a path with a trailing "/" lists inside it.
  const out = await runGit(args, { cwd: repoDir });
  const entries: TreeEntry[] = [];
  for (const record of out.split("\0")) {
    if (!record) continue;
    const tab = record.indexOf("\t");
    const [mode, type, oid, size] = record.slice(0, tab).split(/\s+/);
    entries.push({
      mode: mode!,
      type: type as TreeEntry["type"],
      oid: oid!,
      size: size === "-" ? 0 : Number(size),
      path: record.slice(tab + 1),
    });
  }
  return entries;
}
