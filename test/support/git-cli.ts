import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/**
 * Runs the real `git` (and its `git-lfs` filters) as a user would, with a home
 * folder of its own: `git lfs install` done, an identity set, no credential
 * helper and no prompts, so a refused request fails instead of waiting.
 */
export class GitCli {
  /** A scratch folder for clones, removed by `dispose()` with the home folder. */
  readonly work: string;

  private constructor(readonly home: string) {
    this.work = path.join(home, "work");
  }

  static async create(): Promise<GitCli> {
    const home = await mkdtemp(path.join(tmpdir(), "modelport-git-home-"));
    await writeFile(path.join(home, ".gitconfig"), "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n");
    const cli = new GitCli(home);
    await mkdir(cli.work);
    await cli.run(["lfs", "install", "--skip-repo"], home);
    return cli;
  }

  /** Removes the home folder and every clone in `work`. */
  async dispose(): Promise<void> {
    await rm(this.home, { recursive: true, force: true });
  }

  /** Runs git; resolves with stdout and stderr, rejects with both on a non-zero exit. */
  async run(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
    try {
      return await exec("git", args, {
        cwd,
        env: {
          PATH: process.env.PATH,
          HOME: this.home,
          GIT_TERMINAL_PROMPT: "0",
          GIT_CONFIG_NOSYSTEM: "1",
        },
        maxBuffer: 64 << 20,
      });
    } catch (err) {
      const e = err as Error & { stdout?: string; stderr?: string; code?: number };
      const wrapped = new Error(`git ${args.join(" ")} failed (${e.code}): ${e.stderr ?? e.message}`);
      Object.assign(wrapped, { stdout: e.stdout ?? "", stderr: e.stderr ?? "", code: e.code });
      throw wrapped;
    }
  }
}

/** A clone URL with a token as the basic-auth password (any user name works). */
export function authUrl(base: string, repoPath: string, token?: string): string {
  if (!token) return `${base}/${repoPath}`;
  const u = new URL(`${base}/${repoPath}`);
  u.username = "hf_user";
  u.password = token;
  return u.toString();
}
