import { appendFile, mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { runGit } from "./run-git.js";
import { commitTree } from "./temp-index.js";

/**
 * Server-side settings of every hosted repo, appended to the new repo's config
 * file in one write (one `git config` process per key made repo creation slow).
 */
const repoConfig = `[receive]
	# Check every object a push brings in; a corrupt or malicious pack is refused whole.
	fsckObjects = true
	# No server-side gc during pushes: it would compete with the hub for the CPU.
	autogc = false
[core]
	# Keep a reflog even in bare repos, so a bad force-push can be recovered by an operator.
	logAllRefUpdates = always
[uploadpack]
	# Let clients use partial clones (--filter=blob:none) to skip history blobs.
	allowFilter = true
	allowAnySHA1InWant = true
`;

export interface InitialFile {
  path: string;
  content: string;
}

export interface Signature {
  name: string;
  email: string;
}

/**
 * Creates a bare repo at `dir` whose `main` holds one commit with `files`.
 * The repo is built in a sibling temp folder and renamed into place, so a
 * crash never leaves a half-made repo at `dir`. Fails if `dir` exists.
 */
export async function createBareRepo(
  dir: string,
  files: InitialFile[],
  message: string,
  author: Signature,
): Promise<void> {
  const parent = path.dirname(dir);
  await mkdir(parent, { recursive: true });
  const tmp = path.join(parent, `.tmp-${randomBytes(6).toString("hex")}-${path.basename(dir)}`);
  try {
    await runGit(["init", "--quiet", "--bare", "--initial-branch=main", tmp]);
    await appendFile(path.join(tmp, "config"), repoConfig);
    const entries: string[] = [];
    for (const f of files) {
      const oid = (await runGit(["hash-object", "-w", "--stdin"], { cwd: tmp, input: f.content })).trim();
      entries.push(`100644 blob ${oid}\t${f.path}`);
    }
    const tree = (await runGit(["mktree"], { cwd: tmp, input: entries.join("\n") + "\n" })).trim();
    const commit = await commitTree(tmp, tree, [], message, author);
    await runGit(["update-ref", "refs/heads/main", commit, ""], { cwd: tmp });
    await rename(tmp, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
