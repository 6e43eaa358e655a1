import { runGit } from "./run-git.js";

export interface GitRef {
  /** Full name: `refs/heads/main`, `refs/tags/v1`, `refs/pr/2`. */
  ref: string;
  /** The commit it points at (tags peeled). */
  commit: string;
}

/** Every ref under `refs/`, with annotated tags peeled to their commit. */
export async function listRefs(repoDir: string): Promise<GitRef[]> {
  const out = await runGit(["for-each-ref", "--format=%(refname)%00%(objectname)%00%(*objectname)", "refs/"], { cwd: repoDir });
  return out
    .split("\n")
    .filter((l) => l.length > 0)
    .map((line) => {
      const [ref, oid, peeled] = line.split("\0");
      return { ref: ref!, commit: peeled || oid! };
    });
}

/**
 * Moves `ref` from `expectedOld` to `next` atomically (compare-and-swap); `""` as
 * `expectedOld` means the ref must not exist, `next` of `""` deletes it. Returns
 * false when the ref was not at `expectedOld`.
 */
export async function compareAndSwapRef(repoDir: string, ref: string, next: string, expectedOld: string): Promise<boolean> {
  const zero = "0".repeat(40);
  const args = next === "" ? ["update-ref", "-d", ref, expectedOld] : ["update-ref", ref, next, expectedOld || zero];
  try {
    await runGit(args, { cwd: repoDir });
    return true;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? "";
    if (/cannot lock ref|is at .* but expected|reference already exists|unable to resolve reference/.test(stderr)) return false;
    throw err;
  }
}
