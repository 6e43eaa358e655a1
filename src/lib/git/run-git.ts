import { spawn, type ChildProcess } from "node:child_process";

/**
 * The environment every git process gets: nothing from the user's config or the
 * hub's own environment leaks in, so behaviour is the same on every machine.
 */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: "/nonexistent",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    LANG: "C",
    ...extra,
  };
}

/** Spawns `git` with fixed arguments (never a shell). Callers validate every argument first. */
export function spawnGit(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): ChildProcess {
  return spawn("git", args, { cwd: opts.cwd, env: gitEnv(opts.env), stdio: ["pipe", "pipe", "pipe"] });
}

export class GitError extends Error {
  override readonly name = "GitError";
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** Runs git to completion and returns stdout; throws `GitError` on a non-zero exit. */
export async function runGit(
  args: string[],
  opts: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {},
): Promise<string> {
  const child = spawnGit(args, opts);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on("data", (c: Buffer) => out.push(c));
  child.stderr!.on("data", (c: Buffer) => err.push(c));
  child.stdin!.on("error", () => {}); // git may exit before reading all input; its exit code tells.
  child.stdin!.end(opts.input ?? "");
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  const stderr = Buffer.concat(err).toString("utf8");
  if (code !== 0) throw new GitError(`git ${args[0]} failed: ${stderr.trim()}`, code, stderr);
  return Buffer.concat(out).toString("utf8");
}
