import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import { type Db, openDb } from "../src/db/connect.js";
import { addDownloads, dayOf, deleteLike, insertLike, recountAll } from "../src/db/queries/repo-stats.js";
import { deleteRepoRow, insertRepo } from "../src/db/queries/repos.js";
import { insertUser } from "../src/db/queries/users.js";
import { type SearchIndex, searchIndexFor } from "../src/db/search/search-index.js";
import { documentText, queryWords } from "../src/lib/search-text.js";
import { freshPostgresDatabase } from "./support/postgres.js";

/**
 * The `SearchIndex` conformance suite (and the per-day statistics beside it),
 * run on every database backend: documents and queries go through the same
 * word splitting, so both engines must answer the same.
 */
function describeSearchIndex(backend: string, connect: () => Promise<{ db: Db; cleanup: () => Promise<void> }>) {
  describe(`search index on ${backend}`, () => {
    let db: Db;
    let cleanup: () => Promise<void>;
    let index: SearchIndex;
    const ids: Record<string, number> = {};

    /** The repos (by test name) whose document has every word of `query`. */
    async function find(query: string): Promise<string[]> {
      const term = { text: query, words: queryWords(query) };
      const rows = await db.kysely.selectFrom("repos").select("id").where(index.matches(term)).execute();
      // The candidate list, when short enough, names the same repos.
      const candidates = await index.candidates(db, term, 1000);
      assert.deepEqual([...candidates!].sort(), rows.map((r) => r.id).sort(), `candidates of ${query}`);
      const byId = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
      return rows.map((r) => byId.get(r.id)!).filter(Boolean).sort();
    }

    async function repo(name: string, ...text: string[]): Promise<void> {
      const row = await insertRepo(db, { type: "model", namespace: "search", name, private: false });
      ids[name] = row.id;
      await index.put(db, row.id, documentText(text));
    }

    before(async () => {
      ({ db, cleanup } = await connect());
      index = searchIndexFor(db.dialect);
      await repo("en", "A small English model for sentiment analysis of product reviews.");
      await repo("zh", "我们训练了一个中文大模型，用于文本生成和机器翻译。");
      await repo("ja", "これは日本語の言語モデルです。");
      await repo("mixed", "Qwen2.5 中文 chat model, GGUF Q4_K_M quantization");
      await repo("syntax", `weird "quotes" and 'apostrophes' back\\slash AND OR NOT NEAR star* col:on a&b c|d !e (f)`);
    });
    after(async () => {
      await db.close();
      await cleanup();
    });

    test("finds English words, case-insensitively, all words required", async () => {
      assert.deepEqual(await find("sentiment"), ["en"]);
      assert.deepEqual(await find("SENTIMENT Reviews"), ["en"]);
      assert.deepEqual(await find("sentiment translation"), []);
      assert.deepEqual(await find("model"), ["en", "mixed"]);
    });

    test("finds a two-character Chinese word inside a sentence, and a Japanese word", async () => {
      assert.deepEqual(await find("模型"), ["zh"]); // written as part of 大模型
      assert.deepEqual(await find("翻译"), ["zh"]);
      assert.deepEqual(await find("中文"), ["mixed", "zh"]);
      assert.deepEqual(await find("机器翻译"), ["zh"]); // segmented into 机器 + 翻译 on both sides
      assert.deepEqual(await find("日本語"), ["ja"]);
      assert.deepEqual(await find("英文"), []);
    });

    test("query syntax characters are plain text to both engines", async () => {
      for (const q of ['"quotes"', "'apostrophes'", "back\\slash", "AND", "OR NOT", "NEAR", "star*", "col:on", "a&b", "c|d", "!e", "(f)"]) {
        assert.deepEqual(await find(q), ["syntax"], q);
      }
      assert.deepEqual(await find('" OR "'), ["syntax"]);
    });

    test("put replaces a document; remove and repo deletion drop it", async () => {
      await repo("changing", "first version about llamas");
      assert.deepEqual(await find("llamas"), ["changing"]);
      await index.put(db, ids.changing!, documentText(["second version about alpacas"]));
      assert.deepEqual(await find("llamas"), []);
      assert.deepEqual(await find("alpacas"), ["changing"]);
      await index.remove(db, ids.changing!);
      assert.deepEqual(await find("alpacas"), []);
      await index.remove(db, ids.changing!); // nothing left: still fine

      await repo("doomed", "ephemeral document");
      await deleteRepoRow(db, ids.doomed!);
      const table = db.dialect === "postgres" ? sql`select count(*) as n from repo_search where repo_id = ${ids.doomed}` : sql`select count(*) as n from repo_search where rowid = ${ids.doomed}`;
      const { rows } = await table.execute(db.kysely);
      assert.equal(Number((rows[0] as { n: unknown }).n), 0);
    });

    test("insertMany stores many documents in one go", async () => {
      const rows = await Promise.all(
        ["bulk-a", "bulk-b", "bulk-c"].map((name) => insertRepo(db, { type: "model", namespace: "search", name, private: false })),
      );
      rows.forEach((r, i) => (ids[`bulk-${i}`] = r.id));
      await index.insertMany(db, [
        { repoId: rows[0]!.id, document: documentText(["bulk loaded 批量 文档"]) },
        { repoId: rows[1]!.id, document: documentText(["bulk loaded too"]) },
        { repoId: rows[2]!.id, document: "" },
      ]);
      assert.deepEqual(await find("bulk loaded"), ["bulk-0", "bulk-1"]);
      assert.deepEqual(await find("文档"), ["bulk-0"]);
    });

    test("an empty document stores nothing and matches nothing", async () => {
      await repo("empty", "");
      assert.deepEqual(await find("nothing"), []);
      assert.deepEqual(await find("search/empty"), ["empty"]); // its id still matches
    });

    test("id substrings match case-insensitively, short ones too, and follow renames", async () => {
      assert.deepEqual(await find("SEARCH/MIX"), ["mixed"]);
      assert.deepEqual(await find("x"), ["mixed", "syntax"]);
      assert.deepEqual(await find("h/j"), ["ja"]);
      assert.deepEqual(await find("50%"), []); // LIKE wildcards are literal
      await db.kysely.updateTable("repos").set({ name: "renamed_50%" }).where("id", "=", ids.ja!).execute();
      assert.deepEqual(await find("h/j"), []);
      assert.deepEqual(await find("RENAMED_50%"), ["ja"]);
      assert.deepEqual(await find("_50%"), ["ja"]);
    });

    test("downloads per day sum into 30-day, all-time and trending counts that age", async () => {
      const row = await insertRepo(db, { type: "model", namespace: "stats", name: "counted", private: false });
      const now = new Date("2026-03-31T12:00:00Z");
      const stats = async () =>
        db.kysely.selectFrom("repos").select(["downloads", "downloads_all_time", "trending_score", "likes"]).where("id", "=", row.id).executeTakeFirstOrThrow();
      await addDownloads(db, new Map([[row.id, 3]]), new Date("2026-02-01T00:00:00Z")); // two months ago
      await addDownloads(db, new Map([[row.id, 2]]), new Date("2026-03-29T08:00:00Z")); // two days ago
      await addDownloads(db, new Map([[row.id, 1]]), now);
      await addDownloads(db, new Map([[row.id, 1]]), now);
      await recountAll(db, now);
      // 30 days: 2 + 1 + 1; trending: today weighs 7, two days ago 5.
      assert.deepEqual(await stats(), { downloads: 4, downloads_all_time: 7, trending_score: 2 * 7 + 2 * 5, likes: 0 });

      const user = await insertUser(db, { name: `liker-${backend}`, isAdmin: false });
      assert.equal(await insertLike(db, user.id, row.id, now), true);
      assert.equal(await insertLike(db, user.id, row.id, now), false);
      assert.deepEqual(await stats(), { downloads: 4, downloads_all_time: 7, trending_score: 24 + 70, likes: 1 });

      // A week later only the like is gone from trending... and so are the downloads.
      const later = new Date("2026-04-08T12:00:00Z");
      await recountAll(db, later);
      assert.deepEqual(await stats(), { downloads: 4, downloads_all_time: 7, trending_score: 0, likes: 1 });
      assert.equal(dayOf(later, 1), "2026-04-07");

      assert.equal(await deleteLike(db, user.id, row.id, later), true);
      assert.equal(await deleteLike(db, user.id, row.id, later), false);
      assert.deepEqual(await stats(), { downloads: 4, downloads_all_time: 7, trending_score: 0, likes: 0 });
      // Per-day rows older than 30 days are dropped.
      const old = await db.kysely.selectFrom("repo_downloads").select("day").where("repo_id", "=", row.id).execute();
      assert.deepEqual(old.map((r) => r.day).sort(), ["2026-03-29", "2026-03-31"]);
    });
  });
}

describeSearchIndex("SQLite", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "modelport-search-"));
  return { db: await openDb({ databaseUrl: "", dataDir: dir }), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describeSearchIndex("PostgreSQL", async () => {
  const pg = await freshPostgresDatabase();
  return { db: await openDb({ databaseUrl: pg.url, dataDir: "" }), cleanup: pg.drop };
});
