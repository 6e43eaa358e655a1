/**
 * Revision names clients send (`main`, `v1.0`, `refs/pr/3`, a full or short
 * sha, `HEAD`) and how to ask git for each without letting revision syntax
 * (`..`, `^`, `~`, `:`, `@{`) or options reach it.
 */

/** A branch or tag name as `git check-ref-format` accepts it, plus our own caps. */
export function isValidRefName(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  if (name.startsWith("-") || name.startsWith("/") || name.endsWith("/") || name.endsWith(".") || name.endsWith(".lock")) return false;
  if (name.includes("..") || name.includes("//") || name.includes("@{") || name === "@") return false;
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false;
  return name.split("/").every((part) => part.length > 0 && !part.startsWith("."));
}

const fullSha = /^[0-9a-f]{40}$/;
const shortSha = /^[0-9a-f]{7,39}$/;

/**
 * The object names to try, in order, for a client's revision, each peeled to
 * a commit; empty when the revision cannot name anything.
 */
export function revisionCandidates(rev: string): string[] {
  if (rev === "HEAD") return ["HEAD^{commit}"];
  if (fullSha.test(rev)) return [`${rev}^{commit}`];
  if (rev.startsWith("refs/")) return isValidRefName(rev) ? [`${rev}^{commit}`] : [];
  const out: string[] = [];
  if (isValidRefName(rev)) out.push(`refs/heads/${rev}^{commit}`, `refs/tags/${rev}^{commit}`);
  if (shortSha.test(rev)) out.push(`${rev}^{commit}`);
  return out;
}

/** True for a client path that stays inside the repo: relative, no `..`, no `.git/`, no NUL or backslash. */
export function isSafeRepoPath(p: string): boolean {
  if (p.length === 0 || p.length > 4096 || p.startsWith("/") || p.endsWith("/")) return false;
  if (/[\0\\\n\r]/.test(p)) return false;
  return p.split("/").every((part) => part !== "" && part !== "." && part !== ".." && part.toLowerCase() !== ".git");
}
