/**
 * Parses `git diff` output (what `GET …/compare/<base>..<head>` answers) into
 * files, hunks and numbered lines for the commit page.
 */

export interface DiffLine {
  kind: "add" | "del" | "ctx" | "note";
  text: string;
  oldNo?: number;
  newNo?: number;
}

export interface DiffHunk {
  header: string;
  lines: DiffLine[];
}

export interface DiffFile {
  oldPath: string;
  newPath: string;
  status: "added" | "deleted" | "modified" | "renamed";
  binary: boolean;
  hunks: DiffHunk[];
  additions: number;
  deletions: number;
}

export function parseDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | undefined;
  let hunk: DiffHunk | undefined;
  let oldNo = 0;
  let newNo = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("diff --git ")) {
      const [a, b] = headerPaths(line.slice("diff --git ".length));
      file = { oldPath: a, newPath: b, status: "modified", binary: false, hunks: [], additions: 0, deletions: 0 };
      files.push(file);
      hunk = undefined;
      continue;
    }
    if (!file) continue;
    if (!hunk) {
      if (line.startsWith("new file mode")) file.status = "added";
      else if (line.startsWith("deleted file mode")) file.status = "deleted";
      else if (line.startsWith("rename from ")) {
        file.status = "renamed";
        file.oldPath = unquote(line.slice("rename from ".length));
      } else if (line.startsWith("rename to ")) file.newPath = unquote(line.slice("rename to ".length));
      else if (line.startsWith("Binary files ")) file.binary = true;
      // Git ends these lines with a tab when the path holds a space.
      else if (line.startsWith("--- ") && line !== "--- /dev/null") file.oldPath = stripPrefix(unquote(line.slice(4).replace(/\t$/, "")));
      else if (line.startsWith("+++ ") && line !== "+++ /dev/null") file.newPath = stripPrefix(unquote(line.slice(4).replace(/\t$/, "")));
    }
    const range = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (range) {
      hunk = { header: line, lines: [] };
      file.hunks.push(hunk);
      oldNo = Number(range[1]);
      newNo = Number(range[2]);
      continue;
    }
    if (!hunk) continue;
    if (line.startsWith("+")) {
      hunk.lines.push({ kind: "add", text: line.slice(1), newNo: newNo++ });
      file.additions++;
    } else if (line.startsWith("-")) {
      hunk.lines.push({ kind: "del", text: line.slice(1), oldNo: oldNo++ });
      file.deletions++;
    } else if (line.startsWith(" ")) {
      hunk.lines.push({ kind: "ctx", text: line.slice(1), oldNo: oldNo++, newNo: newNo++ });
    } else if (line.startsWith("\\")) {
      hunk.lines.push({ kind: "note", text: line.slice(2) });
    }
  }
  return files;
}

/** `a/x b/x` (same path both sides unless renamed, where the rename lines tell). */
function headerPaths(rest: string): [string, string] {
  if (rest.startsWith('"')) {
    const match = /^("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*"|\S.*)$/.exec(rest);
    if (match) return [stripPrefix(unquote(match[1]!)), stripPrefix(unquote(match[2]!))];
  }
  if ((rest.length - 5) % 2 === 0) {
    const half = (rest.length - 5) / 2;
    const a = rest.slice(2, 2 + half);
    const b = rest.slice(5 + half);
    if (a === b) return [a, b];
  }
  const cut = rest.indexOf(" b/");
  return cut > 0 ? [stripPrefix(rest.slice(0, cut)), rest.slice(cut + 3)] : [rest, rest];
}

function stripPrefix(p: string): string {
  return p.startsWith("a/") || p.startsWith("b/") ? p.slice(2) : p;
}

/** Git's C-style quoting of unusual paths (`"tab\there"`). */
function unquote(p: string): string {
  if (!p.startsWith('"') || !p.endsWith('"')) return p;
  const bytes: number[] = [];
  const body = p.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, '"': 34, "\\": 92, a: 7, b: 8, f: 12, r: 13, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") {
      bytes.push(...new TextEncoder().encode(ch));
      continue;
    }
    const next = body[i + 1]!;
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
