import { runGit } from "./run-git.js";

export interface CommitInfo {
  oid: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** ISO-8601 UTC. */
  date: string;
  title: string;
  message: string;
}

const fields = ["%H", "%P", "%an", "%ae", "%aI", "%s", "%B"];

/** Commits reachable from `commit`, newest first, one page at a time; optionally only those touching `path`. */
export async function listCommits(
  repoDir: string,
  commit: string,
  opts: { skip: number; limit: number; path?: string },
): Promise<CommitInfo[]> {
  const args = ["log", "-z", `--format=${fields.join("%x1f")}`, `--skip=${opts.skip}`, `--max-count=${opts.limit}`, commit, "--"];
  if (opts.path) args.push(opts.path);
  const out = await runGit(args, { cwd: repoDir });
  return out
    .split("\0")
    .filter((r) => r.length > 0)
    .map((record) => {
      const [oid, parents, authorName, authorEmail, date, title, message] = record.split("\x1f");
      return {
        oid: oid!,
        parents: parents ? parents.split(" ") : [],
        authorName: authorName!,
        authorEmail: authorEmail!,
        date: new Date(date!).toISOString(),
        title: title!,
        message: (message ?? "").trim(),
      };
    });
}

/** How many commits are reachable from `commit`. */
export async function countCommits(repoDir: string, commit: string): Promise<number> {
  return Number((await runGit(["rev-list", "--count", commit, "--"], { cwd: repoDir })).trim());
}
