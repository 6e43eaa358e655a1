import { spawnGit } from "./run-git.js";

/** The empty tree's id (SHA-1 repos): what a root commit is compared with. */
export const emptyTreeId = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

export interface UnifiedDiff {
  /** `git diff` output: `diff --git` sections, hunks, `Binary files … differ` lines. */
  text: string;
  /** True when the output went past `maxBytes` and was cut at a line end. */
  truncated: boolean;
}

export interface DiffLimits {
  /** Output cap; git is stopped once it has written this much. */
  maxBytes: number;
  /** Files above this size are summarized as binary rather than diffed line by line. */
  maxFileBytes: number;
  signal?: AbortSignal;
}

/**
 * The unified diff between two commits (`base` null: from the empty tree, for
 * a root commit). Both ids come from `resolveRevision`, so no revision syntax
 * or option reaches git. External diff drivers and textconv filters are off
 * (a repo's `.gitattributes` must not run anything); files git thinks binary
 * (a NUL byte, or larger than `maxFileBytes`) come as one summary line.
 */
export async function diffCommits(repoDir: string, base: string | null, head: string, limits: DiffLimits): Promise<UnifiedDiff> {
  const args = [
    "-c", `core.bigFileThreshold=${limits.maxFileBytes}`,
    // Paths as UTF-8 text, not octal escapes.
    "-c", "core.quotePath=false",
    "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--find-renames", "--unified=3",
    base ?? emptyTreeId, head, "--",
  ];
  const child = spawnGit(args, { cwd: repoDir });
  child.stdin!.end();
  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  const err: Buffer[] = [];
  const stop = () => child.kill("SIGKILL");
  limits.signal?.addEventListener("abort", stop, { once: true });
  child.stderr!.on("data", (c: Buffer) => err.push(c));
  child.stdout!.on("data", (c: Buffer) => {
    if (truncated) return;
    chunks.push(c);
    bytes += c.length;
    if (bytes > limits.maxBytes) {
      truncated = true;
      stop();
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  limits.signal?.removeEventListener("abort", stop);
  if (limits.signal?.aborted) throw limits.signal.reason ?? new Error("aborted");
  if (!truncated && code !== 0) throw new Error(`git diff failed: ${Buffer.concat(err).toString("utf8").trim()}`);
  let out = Buffer.concat(chunks);
  if (truncated) {
    out = out.subarray(0, limits.maxBytes);
    // Cut at a line end so no half line (or half UTF-8 character) is shown.
    const lastNewline = out.lastIndexOf(0x0a);
    out = out.subarray(0, lastNewline + 1);
  }
  return { text: out.toString("utf8"), truncated };
}
