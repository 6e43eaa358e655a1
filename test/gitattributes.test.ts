import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { defaultGitattributes } from "../src/lib/default-gitattributes.js";
import { exactPathPattern, GitAttributes, lfsTrackLine } from "../src/lib/gitattributes.js";
import { GitIgnore } from "../src/lib/gitignore.js";
import { wildmatch } from "../src/lib/wildmatch.js";

const exec = promisify(execFile);

describe("wildmatch: git's glob semantics", () => {
  test("'*' and '?' stop at '/' only with pathname", () => {
    assert.ok(wildmatch("*.bin", "a/b.bin"));
    assert.ok(!wildmatch("*.bin", "a/b.bin", { pathname: true }));
    assert.ok(wildmatch("a/?.bin", "a/b.bin", { pathname: true }));
    assert.ok(!wildmatch("a?b", "a/b", { pathname: true }));
  });

  test("'**' forms: leading, trailing and in the middle", () => {
    const pm = { pathname: true };
    assert.ok(wildmatch("**/x.bin", "x.bin", pm));
    assert.ok(wildmatch("**/x.bin", "a/b/x.bin", pm));
    assert.ok(wildmatch("dir/**", "dir/a/b", pm));
    assert.ok(!wildmatch("dir/**", "dir", pm));
    assert.ok(wildmatch("a/**/b", "a/b", pm));
    assert.ok(wildmatch("a/**/b", "a/x/y/b", pm));
    assert.ok(!wildmatch("a/**/b", "a/x/yb", pm));
    assert.ok(wildmatch("saved_model/**/*", "saved_model/variables/v.index", pm));
    assert.ok(wildmatch("saved_model/**/*", "saved_model/s.pb", pm));
    // "**" not between slashes is an ordinary star with pathname
    assert.ok(!wildmatch("a**b", "a/b", pm));
  });

  test("classes, ranges, negation, POSIX names and escapes", () => {
    assert.ok(wildmatch("[a-c].txt", "b.txt"));
    assert.ok(!wildmatch("[!a-c].txt", "b.txt"));
    assert.ok(wildmatch("[^a-c].txt", "d.txt"));
    assert.ok(wildmatch("a[[:space:]]b", "a b"));
    assert.ok(wildmatch("[[:digit:]][[:upper:]]", "7Q"));
    assert.ok(wildmatch("\\*.bin", "*.bin"));
    assert.ok(!wildmatch("\\*.bin", "x.bin"));
    assert.ok(wildmatch("[]]", "]"));
    assert.ok(!wildmatch("[[:nope:]]", "a"));
  });

  test("matching is on UTF-8 bytes, as git's is", () => {
    assert.ok(wildmatch("*.bin", "é.bin"));
    assert.ok(wildmatch("??.bin", "é.bin"), "é is two bytes");
    assert.ok(!wildmatch("?.bin", "é.bin"));
  });
});

describe("GitAttributes: which paths go to LFS", () => {
  test("the patterns new repos start with", () => {
    const attrs = GitAttributes.parse(defaultGitattributes("model"));
    assert.ok(attrs.isLfs("model.safetensors"));
    assert.ok(attrs.isLfs("sub/dir/weights.bin"));
    assert.ok(attrs.isLfs("saved_model/variables/variables.data-00000-of-00001"));
    assert.ok(attrs.isLfs("data.tar.gz"));
    assert.ok(attrs.isLfs("runs/events.out.tfevents.123"));
    assert.ok(!attrs.isLfs("config.json"));
    assert.ok(!attrs.isLfs("sub/saved_model/x.txt"), "a pattern with a slash is anchored at the root");
  });

  test("later lines win, -filter unsets and !filter unspecifies", () => {
    const attrs = GitAttributes.parse("*.bin filter=lfs\nsmall.bin -filter\n*.dat filter=lfs\nkeep.dat !filter\n");
    assert.ok(attrs.isLfs("a.bin"));
    assert.ok(!attrs.isLfs("small.bin"));
    assert.ok(!attrs.isLfs("keep.dat"));
    assert.equal(attrs.get("keep.dat", "filter"), undefined);
    assert.equal(attrs.get("small.bin", "filter"), false);
  });

  test("a root-anchored name, a folder pattern, quoted patterns, comments and macros", () => {
    const attrs = GitAttributes.parse('# comment\n/top.bin filter=lfs\nfolder/ filter=lfs\n"with space.bin" filter=lfs\n[attr]big filter=lfs\n\r\n');
    assert.ok(attrs.isLfs("top.bin"));
    assert.ok(!attrs.isLfs("sub/top.bin"));
    assert.ok(!attrs.isLfs("folder/x"), "a folder pattern never matches the files inside");
    assert.ok(attrs.isLfs("with space.bin"));
  });

  test("the line appended for a path matches exactly that path", () => {
    assert.equal(lfsTrackLine("my model.bin"), "/my[[:space:]]model.bin filter=lfs diff=lfs merge=lfs -text");
    assert.equal(exactPathPattern("a/b*c?[d].bin"), "a/b\\*c\\?\\[d\\].bin");
    for (const p of ["my model.bin", "a/b*c?[d].bin", "#hash.bin", "!bang", "sub/dir/x y.gguf", "é/ü.bin"]) {
      const attrs = GitAttributes.parse(`${lfsTrackLine(p)}\n`);
      assert.ok(attrs.isLfs(p), p);
      assert.ok(!attrs.isLfs(`other/${p}`), `other/${p}`);
    }
  });
});

describe("agreement with the real git", () => {
  let dir: string;
  const git = (args: string[], input?: string) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile("git", args, { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: "1" } }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      );
      child.stdin!.end(input ?? "");
    });

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "modelport-attr-"));
    await exec("git", ["init", "--quiet", dir]);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const paths = [
    "a.bin", "x/a.bin", "top.bin", "sub/top.bin", "saved_model/a/b", "saved_model/c", "other/saved_model/c",
    "dir/deep/file.txt", "dir", "data.tar.gz", "weird name.bin", "x/weird name.bin", "notes.md", "x/notes.md",
    "logs/a.log", "logs/keep.log", "build/out/x.o", "src/build/y.o", "abc/def.txt", "[x].txt", "é.bin",
  ];

  test("check-attr gives the same filter for every path", async () => {
    const text = [
      "*.bin filter=lfs", "/top.bin -filter", "saved_model/**/* filter=lfs", "dir/** filter=lfs", "*.tar.* filter=lfs",
      "weird[[:space:]]name.bin !filter", "x/weird[[:space:]]name.bin filter=lfs", "a?c/*.txt filter=lfs",
      "\\[x\\].txt filter=lfs", "??.bin -filter",
    ].join("\n") + "\n";
    await writeFile(path.join(dir, ".gitattributes"), text);
    const out = await git(["check-attr", "--stdin", "-z", "filter"], paths.join("\0") + "\0");
    const fields = out.split("\0");
    const attrs = GitAttributes.parse(text);
    for (let i = 0; i + 2 < fields.length; i += 3) {
      const [p, , value] = [fields[i]!, fields[i + 1], fields[i + 2]];
      const expected = value === "set" ? true : value === "unset" ? false : value === "unspecified" ? undefined : value;
      assert.equal(attrs.get(p, "filter"), expected, `${p}: git says ${value}`);
    }
  });

  test("check-ignore agrees on ignored paths", async () => {
    const text = "*.log\n!keep.log\nbuild/\n/notes.md\nabc/\n\\[x\\].txt\n# comment\nspaces.txt   \n";
    await writeFile(path.join(dir, ".gitignore"), text);
    const ignore = GitIgnore.parse(text);
    // --no-index: judge the paths by the patterns alone (nothing is tracked); -v -n lists every path.
    const out = await git(["check-ignore", "--no-index", "--stdin", "-z", "-v", "-n"], paths.join("\0") + "\0").catch(
      (err: { stdout?: string }) => err.stdout ?? "",
    );
    const fields = out.split("\0");
    for (let i = 0; i + 3 < fields.length; i += 4) {
      const [source, , pattern, p] = fields.slice(i, i + 4) as [string, string, string, string];
      const gitIgnores = source !== "" && !pattern.startsWith("!");
      assert.equal(ignore.isIgnored(p), gitIgnores, `${p}: git matched '${pattern}'`);
    }
    assert.ok(ignore.isIgnored("spaces.txt"), "trailing spaces are not part of the pattern");
  });
});
