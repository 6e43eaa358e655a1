import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseDiff } from "../web/src/pages/repo/parse-diff.js";
import { readSse } from "../web/src/pages/repo/sse.js";
import { runGit } from "../src/lib/git/run-git.js";
import { diffCommits } from "../src/lib/git/diff.js";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** The web app's pure parsers: git's diff output (from real git) and OpenAI's SSE stream. */
describe("web app parsers", () => {
  test("parseDiff reads real git output: edits, additions, deletions, renames, binaries, unusual paths", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "modelport-diff-"));
    try {
      const git = (...args: string[]) => runGit(["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: dir });
      await git("init", "-q", "-b", "main");
      await mkdir(path.join(dir, "sub dir"));
      await writeFile(path.join(dir, "a.txt"), "one\ntwo\nthree\n");
      await writeFile(path.join(dir, "gone.txt"), "bye\n");
      await writeFile(path.join(dir, "move-me.txt"), "same content here\nand more\nand more\n");
      await writeFile(path.join(dir, "bin.dat"), Buffer.from([0, 1, 2]));
      await git("add", ".");
      await git("commit", "-q", "-m", "first");
      const first = (await git("rev-parse", "HEAD")).trim();
      await writeFile(path.join(dir, "a.txt"), "one\n2\nthree\nfour\n");
      await rm(path.join(dir, "gone.txt"));
      await git("mv", "move-me.txt", "moved.txt");
      await writeFile(path.join(dir, "bin.dat"), Buffer.from([0, 9, 9]));
      await writeFile(path.join(dir, "sub dir", "ü b.txt"), "new\n");
      await writeFile(path.join(dir, 'quote"tab\t.txt'), "odd\n");
      await git("add", "-A");
      await git("commit", "-q", "-m", "second");
      const second = (await git("rev-parse", "HEAD")).trim();
      const { text } = await diffCommits(dir, first, second, { maxBytes: 1 << 20, maxFileBytes: 1 << 20 });
      const files = parseDiff(text);
      const byPath = Object.fromEntries(files.map((f) => [f.newPath, f]));
      assert.deepEqual(Object.keys(byPath).sort(), ["a.txt", "bin.dat", "gone.txt", "moved.txt", 'quote"tab\t.txt', "sub dir/ü b.txt"]);
      const a = byPath["a.txt"]!;
      assert.equal(a.status, "modified");
      assert.equal(a.additions, 2);
      assert.equal(a.deletions, 1);
      assert.deepEqual(
        a.hunks[0]!.lines.map((l) => [l.kind, l.text, l.oldNo ?? null, l.newNo ?? null]),
        [["ctx", "one", 1, 1], ["del", "two", 2, null], ["add", "2", null, 2], ["ctx", "three", 3, 3], ["add", "four", null, 4]],
      );
      assert.equal(byPath["gone.txt"]!.status, "deleted");
      assert.equal(byPath["moved.txt"]!.status, "renamed");
      assert.equal(byPath["moved.txt"]!.oldPath, "move-me.txt");
      assert.equal(byPath["bin.dat"]!.binary, true);
      assert.equal(byPath["sub dir/ü b.txt"]!.status, "added");
      assert.equal(byPath['quote"tab\t.txt']!.additions, 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("readSse joins events split across chunks, stops at [DONE], and throws error events", async () => {
    const stream = (parts: string[]) =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (const p of parts) c.enqueue(new TextEncoder().encode(p));
          c.close();
        },
      });
    const out: unknown[] = [];
    for await (const e of readSse(stream(['data: {"a"', ':1}\n\n: comment\n\ndata: {"b":2}\r\n\r\n', "data: [DONE]\n\n", 'data: {"c":3}\n\n']))) out.push(e);
    assert.deepEqual(out, [{ a: 1 }, { b: 2 }]);
    await assert.rejects(async () => {
      for await (const _ of readSse(stream(['data: {"x":1}\n\n', 'data: {"error": {"message": "model crashed"}}\n\n']))) void _;
    }, /model crashed/);
  });
});
