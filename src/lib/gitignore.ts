import { wildmatch } from "./wildmatch.js";

/**
 * A root `.gitignore` as git reads it (`gitignore(5)`, git's `dir.c`), to tell
 * which paths of an upload to drop (preupload's `shouldIgnore`):
 *
 * - blank lines and `#` comments are skipped; `\#` and `\!` escape; trailing
 *   spaces are dropped unless escaped with `\`;
 * - `!` re-includes; the last matching line decides;
 * - a trailing `/` matches folders only;
 * - a pattern without a `/` (other than a trailing one) matches a name at any
 *   depth, otherwise the path from the root (a leading `/` only anchors);
 * - a file inside an ignored folder is ignored, and no `!` line can bring it back.
 * Ignore files in sub-folders are not read.
 */
export class GitIgnore {
  private constructor(private readonly rules: Rule[]) {}

  static parse(text: string): GitIgnore {
    const rules: Rule[] = [];
    for (const line of text.split("\n")) {
      const rule = parseLine(line.replace(/\r$/, ""));
      if (rule) rules.push(rule);
    }
    return new GitIgnore(rules);
  }

  /** True when git would not add the file at `path`. */
  isIgnored(path: string): boolean {
    if (this.rules.length === 0) return false;
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      if (this.decide(parts.slice(0, i).join("/"), true)) return true;
    }
    return this.decide(path, false);
  }

  private decide(path: string, isDir: boolean): boolean {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i]!;
      if (rule.dirOnly && !isDir) continue;
      const hit = rule.basename
        ? wildmatch(rule.pattern, path.slice(path.lastIndexOf("/") + 1))
        : wildmatch(rule.pattern, path, { pathname: true });
      if (hit) return !rule.negated;
    }
    return false;
  }
}

interface Rule {
  pattern: string;
  negated: boolean;
  dirOnly: boolean;
  basename: boolean;
}

function parseLine(raw: string): Rule | undefined {
  if (raw === "" || raw.startsWith("#")) return undefined;
  let line = stripTrailingSpaces(raw);
  let negated = false;
  if (line.startsWith("!")) {
    negated = true;
    line = line.slice(1);
  }
  let dirOnly = false;
  if (line.endsWith("/")) {
    dirOnly = true;
    line = line.slice(0, -1);
  }
  if (line === "") return undefined;
  const basename = !line.includes("/");
  if (line.startsWith("/")) line = line.slice(1);
  return { pattern: line, negated, dirOnly, basename };
}

/** Trailing spaces are not part of a pattern unless escaped with `\` (`dir.c` `trim_trailing_spaces`). */
function stripTrailingSpaces(s: string): string {
  let lastSpace = -1;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === " ") {
      if (lastSpace < 0) lastSpace = i;
      continue;
    }
    if (s[i] === "\\") {
      i++;
      if (i >= s.length) return s;
    }
    lastSpace = -1;
  }
  return lastSpace < 0 ? s : s.slice(0, lastSpace);
}
