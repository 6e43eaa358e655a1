import { wildmatch } from "./wildmatch.js";

/**
 * `.gitattributes` as git reads it (`gitattributes(5)`, git's `attr.c`), for
 * the one question the hub asks: is a path stored in LFS (`filter=lfs`)?
 *
 * - A pattern without `/` matches the file name at any depth (`*.bin`, `README.md`).
 * - A pattern with a `/` matches the whole path from the repo root, and a
 *   leading `/` only anchors it (`/model.bin`, `saved_model/**​/*`, `dir/**`).
 * - A pattern ending in `/` names a folder and never matches a file.
 * - Later lines win; `-filter` unsets and `!filter` unspecifies.
 * - Patterns may be C-quoted (`"a b.bin"`); `[attr]` macro lines and negative
 *   patterns (which git refuses in attribute files) are skipped.
 * Only the root `.gitattributes` is read; attribute files in sub-folders are not.
 */
export class GitAttributes {
  private constructor(private readonly rules: Rule[]) {}

  static parse(text: string): GitAttributes {
    const rules: Rule[] = [];
    for (const raw of text.split("\n")) {
      const rule = parseLine(raw);
      if (rule) rules.push(rule);
    }
    return new GitAttributes(rules);
  }

  /** The value of attribute `name` for `path`: a string, true (set), false (unset) or undefined (unspecified). */
  get(path: string, name: string): string | boolean | undefined {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i]!;
      if (!rule.attrs.has(name) || !matches(rule.pattern, path)) continue;
      return rule.attrs.get(name);
    }
    return undefined;
  }

  /** True when `path` is stored through git-lfs (`filter=lfs`). */
  isLfs(path: string): boolean {
    return this.get(path, "filter") === "lfs";
  }
}

interface Rule {
  pattern: string;
  attrs: Map<string, string | boolean | undefined>;
}

const blank = /[ \t\r]/;

function parseLine(raw: string): Rule | undefined {
  let line = raw.replace(/^[ \t\r]+/, "");
  if (line === "" || line.startsWith("#")) return undefined;
  let pattern: string;
  if (line.startsWith('"')) {
    const q = unquoteC(line);
    if (!q) return undefined;
    pattern = q.value;
    line = line.slice(q.length);
  } else {
    const end = line.search(blank);
    pattern = end < 0 ? line : line.slice(0, end);
    line = end < 0 ? "" : line.slice(end);
  }
  if (pattern.startsWith("[attr]") || pattern.startsWith("!")) return undefined;
  const attrs = new Map<string, string | boolean | undefined>();
  for (const item of line.split(/[ \t\r]+/)) {
    if (item === "") continue;
    if (item.startsWith("-")) attrs.set(item.slice(1), false);
    else if (item.startsWith("!")) attrs.set(item.slice(1), undefined);
    else {
      const eq = item.indexOf("=");
      if (eq < 0) attrs.set(item, true);
      else attrs.set(item.slice(0, eq), item.slice(eq + 1));
    }
  }
  // `binary` is the one built-in macro; it says nothing about `filter`, so it needs no expansion here.
  return attrs.size > 0 ? { pattern, attrs } : undefined;
}

/** Matches one attribute pattern against a repo path (`attr.c` `path_matches`). */
function matches(pattern: string, path: string): boolean {
  if (pattern.endsWith("/")) return false; // folders only; attributes of files are never inherited from them
  if (!pattern.includes("/")) {
    const slash = path.lastIndexOf("/");
    return wildmatch(pattern, slash < 0 ? path : path.slice(slash + 1));
  }
  return wildmatch(pattern.startsWith("/") ? pattern.slice(1) : pattern, path, { pathname: true });
}

/** Parses a C-style quoted string at the start of `s` (git's `unquote_c_style`). */
function unquoteC(s: string): { value: string; length: number } | undefined {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') return { value: new TextDecoder().decode(new Uint8Array(bytes)), length: i + 1 };
    if (c !== "\\") {
      bytes.push(...enc.encode(c));
      continue;
    }
    const e = s[++i];
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, '"': 34 };
    if (e !== undefined && e in simple) bytes.push(simple[e]!);
    else if (e !== undefined && /^[0-3][0-7][0-7]$/.test(s.slice(i, i + 3))) {
      bytes.push(parseInt(s.slice(i, i + 3), 8));
      i += 2;
    } else return undefined;
  }
  return undefined;
}

/**
 * The pattern that matches exactly `path` and nothing else, for a line we
 * append: glob characters are escaped, whitespace becomes `[[:space:]]` as
 * `git lfs track` writes it, and a root-level name is anchored with `/` so it
 * does not also match same-named files in sub-folders.
 */
export function exactPathPattern(path: string): string {
  let out = "";
  for (const ch of path) {
    if (ch === " " || ch === "\t") out += "[[:space:]]";
    else if ("*?[]\\!#\"".includes(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return path.includes("/") ? out : `/${out}`;
}

/** The line that makes git store `path` through git-lfs. */
export function lfsTrackLine(path: string): string {
  return `${exactPathPattern(path)} filter=lfs diff=lfs merge=lfs -text`;
}
