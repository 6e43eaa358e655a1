import type { ChildProcess } from "node:child_process";
import { spawnGit } from "./run-git.js";

/** The only two programs the hub ever runs for a client (`gitprotocol-http(5)`). */
export const gitServices = ["git-upload-pack", "git-receive-pack"] as const;
export type GitService = (typeof gitServices)[number];

export function parseGitService(value: unknown): GitService | undefined {
  return (gitServices as readonly unknown[]).includes(value) ? (value as GitService) : undefined;
}

/**
 * `Git-Protocol` header values are `key=value` pairs joined by `:`
 * (`version=2`); anything else is dropped rather than passed to git.
 */
export function sanitizeGitProtocol(header: string | undefined): string | undefined {
  if (!header || header.length > 256) return undefined;
  return /^[A-Za-z0-9._-]+(=[A-Za-z0-9._-]*)?(:[A-Za-z0-9._-]+(=[A-Za-z0-9._-]*)?)*$/.test(header) ? header : undefined;
}

/**
 * Spawns `git upload-pack|receive-pack --stateless-rpc [--advertise-refs] <dir>`.
 * `dir` must be a path the caller built from validated names.
 */
export function spawnGitService(
  service: GitService,
  dir: string,
  opts: { advertise: boolean; gitProtocol?: string },
): ChildProcess {
  const args = [service.slice("git-".length), "--stateless-rpc"];
  if (opts.advertise) args.push("--advertise-refs");
  args.push(dir);
  return spawnGit(args, { env: opts.gitProtocol ? { GIT_PROTOCOL: opts.gitProtocol } : {} });
}

/** A pkt-line (`gitprotocol-common(5)`): 4 hex digits of length, then the payload. */
export function pktLine(payload: string): string {
  const len = Buffer.byteLength(payload) + 4;
  return len.toString(16).padStart(4, "0") + payload;
}

/** The preamble of a smart HTTP ref advertisement (`gitprotocol-http(5)`, "Smart Clients"). */
export function advertisementPreamble(service: GitService): string {
  return pktLine(`# service=${service}\n`) + "0000";
}
