/**
 * Discovery benchmark: listing, filters and full-text search over 100,000
 * repos. Seeds synthetic repos (English and Chinese descriptions, tags,
 * parameter counts, base models, download and like counts) straight through
 * the database layer into SQLite and into a fresh PostgreSQL database, starts
 * a real `modelport serve` on each, and times typical `GET /api/models`
 * queries over HTTP, one at a time. Prints p50/p95/max per query (goal: p95
 * under 50 ms). Run with `npm run bench:discovery`; see bench/README.md.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import pg from "pg";
import { type Db, openDb } from "../src/db/connect.js";
import { searchIndexFor } from "../src/db/search/search-index.js";
import { searchTerms } from "../src/lib/search-terms.js";
import { documentText, repoDocumentParts } from "../src/lib/search-text.js";
import { repoIndexVersion } from "../src/services/repo-index.js";
import { positiveInt } from "./lib/env.js";
import { Cleanup } from "./lib/cleanup.js";
import { startHub } from "./lib/hub.js";

/** The goal of the issue, printed beside the results. */
const goalP95Ms = 50;

interface Settings {
  repos: number;
  /** Timed requests per query (after `warmup` untimed ones). */
  requests: number;
  warmup: number;
  backends: ("sqlite" | "postgres")[];
  /** A PostgreSQL server URL whose user may create databases. */
  postgresAdminUrl: string;
  tmpBase: string;
}

function readSettings(): Settings {
  const backends = (process.env.BENCH_BACKENDS ?? "sqlite,postgres").split(",").map((b) => b.trim());
  for (const b of backends) if (b !== "sqlite" && b !== "postgres") throw new Error(`BENCH_BACKENDS: unknown backend '${b}'`);
  return {
    repos: positiveInt("BENCH_REPOS", 100_000),
    requests: positiveInt("BENCH_REQUESTS", 200),
    warmup: positiveInt("BENCH_WARMUP", 20),
    backends: backends as Settings["backends"],
    postgresAdminUrl: process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    tmpBase: process.env.BENCH_TMPDIR ?? os.tmpdir(),
  };
}

// ---------------------------------------------------------------------------------------------
// Synthetic catalogue. A seeded generator, so every run (and both databases) get the same repos.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tasks = ["text-generation", "text-classification", "translation", "summarization", "fill-mask", "token-classification",
  "question-answering", "feature-extraction", "text-to-image", "automatic-speech-recognition", "image-classification", "sentence-similarity"];
const libraries = ["transformers", "gguf", "diffusers", "sentence-transformers", "peft", "timm", "onnx", "mlx"];
const licenses = ["mit", "apache-2.0", "cc-by-4.0", "llama3", "other", "gpl-3.0"];
const languages = ["en", "zh", "ja", "fr", "de", "es", "multilingual"];
const families = ["llama", "qwen", "mistral", "bert", "gemma", "phi", "t5", "whisper", "clip", "deberta", "yi", "baichuan", "glm", "falcon"];
const variants = ["instruct", "chat", "base", "coder", "math", "vision", "tiny", "distill", "ft", "lora", "awq", "gptq"];
const extraTags = ["conversational", "code", "medical", "legal", "finance", "roleplay", "reasoning", "long-context", "multimodal", "agent"];
/** Words of English descriptions; the first ones are the most frequent (Zipf-like draw). */
const englishWords = (
  "model trained fine tuned on data for the a and with of to in large small fast accurate dataset language text " +
  "generation classification translation summarization question answering instruction following chat assistant " +
  "reasoning code math science medical legal finance benchmark evaluation tokenizer context window quantized " +
  "weights adapter merge distilled multilingual english chinese japanese vision speech audio image embedding " +
  "retrieval search ranking sentiment review product customer support dialogue story poetry encyclopedia news " +
  "wikipedia books papers research open license commercial use safety alignment preference optimization reward " +
  "policy agent tools function calling structured output json schema latency throughput memory efficient edge " +
  "mobile device server cluster inference serving deployment onnx runtime llama qwen mistral transformer decoder"
).split(" ");
/** Chinese words; descriptions glue them together without spaces, as Chinese is written. */
const chineseWords = (
  "模型 训练 数据 中文 英文 翻译 机器 文本 生成 分类 问答 对话 助手 推理 代码 数学 医学 法律 金融 评测 " +
  "指令 微调 量化 权重 多语言 图像 语音 检索 排序 情感 评论 产品 客服 故事 诗歌 百科 新闻 论文 研究 开源 " +
  "商业 安全 对齐 偏好 优化 奖励 工具 调用 结构化 输出 延迟 吞吐 内存 高效 边缘 设备 服务器 集群 部署"
).split(" ");

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}
/** A Zipf-like pick: early entries far more often than late ones. */
function zipf<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.min(xs.length - 1, Math.floor(xs.length * r() ** 2.5))]!;
}

interface SeedRepo {
  namespace: string;
  name: string;
  row: Record<string, unknown>;
  tags: string[];
  description: string;
}

const authorsCount = 2_000;
/** The first repos are the popular bases others derive from. */
const baseRepos = 200;

function makeRepo(i: number, r: () => number, now: number): SeedRepo {
  const namespace = `author-${Math.floor(r() * authorsCount)}`;
  const family = pick(r, families);
  const name = `${family}-${pick(r, ["0.5b", "1b", "3b", "7b", "8b", "13b", "70b"])}-${pick(r, variants)}-${i}`;
  const pipelineTag = zipf(r, tasks);
  const library = zipf(r, libraries);
  const language = zipf(r, languages);
  const license = pick(r, licenses);
  const chinese = r() < 0.2;
  const words = Array.from({ length: 12 + Math.floor(r() * 30) }, () => zipf(r, chinese ? chineseWords : englishWords));
  const description = chinese ? `${words.join("")}。` : `${words.join(" ")}.`;
  const tags = [library, ...(r() < 0.5 ? [pick(r, extraTags)] : []), `license:${license}`, language];
  const formats = library === "gguf" ? ["gguf"] : library === "onnx" ? ["onnx"] : r() < 0.8 ? ["safetensors"] : [];
  tags.push(...formats);
  if (i >= baseRepos && r() < 0.3) {
    const base = `base-author/base-${Math.floor(r() * baseRepos)}`;
    const relation = library === "gguf" ? "quantized" : library === "peft" ? "adapter" : pick(r, ["finetune", "finetune", "merge"]);
    tags.push(`base_model:${base}`, `base_model:${relation}:${base}`);
  }
  const parameters = r() < 0.9 ? Math.round(10 ** (7 + r() * 4.6)) : null; // 10M … 400B
  const downloads = Math.floor(1e6 * r() ** 8);
  const likes = Math.floor(5000 * r() ** 10);
  const created = new Date(now - Math.floor(r() * 3 * 365 * 86_400_000)).toISOString();
  const modified = new Date(Math.max(Date.parse(created), now - Math.floor(r() * 365 * 86_400_000))).toISOString();
  const cardData = { pipeline_tag: pipelineTag, library_name: library, license, language: [language], tags: tags.filter((t) => extraTags.includes(t)) };
  return {
    namespace: i < baseRepos ? "base-author" : namespace,
    name: i < baseRepos ? `base-${i}` : name,
    tags,
    description,
    row: {
      type: "model",
      private: r() < 0.05 ? 1 : 0,
      created_at: created,
      updated_at: modified,
      sha: "0".repeat(40),
      card_data: JSON.stringify(cardData),
      tags: JSON.stringify(tags),
      pipeline_tag: pipelineTag,
      library_name: library,
      downloads,
      downloads_all_time: downloads * (1 + Math.floor(r() * 20)),
      likes,
      trending_score: Math.floor(downloads * r() * 0.3) + likes * 10,
      parameters,
      formats: JSON.stringify(formats),
      index_version: repoIndexVersion,
    },
  };
}

/**
 * Bulk-inserts the catalogue: repo rows, filter terms and search documents in
 * chunks inside one transaction per chunk, the way a migration would.
 */
export async function seed(db: Db, count: number): Promise<void> {
  const createdAt = new Date().toISOString();
  const users = [...Array.from({ length: authorsCount }, (_, a) => `author-${a}`), "base-author"];
  await db.kysely.insertInto("users").values(users.map((name) => ({ name, fullname: name, is_admin: 0, created_at: createdAt }))).execute();
  const r = rng(42);
  const now = Date.now();
  const index = searchIndexFor(db.dialect);
  const chunk = 1_000;
  for (let start = 0; start < count; start += chunk) {
    const repos = Array.from({ length: Math.min(chunk, count - start) }, (_, k) => makeRepo(start + k, r, now));
    await db.kysely.transaction().execute(async (tx) => {
      const inTx: Db = { ...db, kysely: tx };
      const inserted = await tx
        .insertInto("repos")
        .values(repos.map((x) => ({ ...x.row, namespace: x.namespace, name: x.name }) as never))
        .returning("id")
        .execute();
      const terms = inserted.flatMap(({ id }, k) => {
        const x = repos[k]!;
        const cardData = JSON.parse(x.row.card_data as string) as Record<string, unknown>;
        return searchTerms({ cardData, tags: x.tags, pipelineTag: x.row.pipeline_tag as string, libraryName: x.row.library_name as string }).map(
          (tag) => ({ repo_id: id, tag }),
        );
      });
      for (let t = 0; t < terms.length; t += 5_000) await tx.insertInto("repo_tags").values(terms.slice(t, t + 5_000)).execute();
      await index.insertMany(
        inTx,
        inserted.map(({ id }, k) => {
          const x = repos[k]!;
          const cardData = JSON.parse(x.row.card_data as string) as Record<string, unknown>;
          return { repoId: id, document: documentText(repoDocumentParts({ id: `${x.namespace}/${x.name}`, cardData, tags: x.tags, prose: x.description })) };
        }),
      );
    });
    if ((start / chunk) % 20 === 19) process.stdout.write(`    ${start + chunk} repos\n`);
  }
  // Planner statistics and visibility maps, as autovacuum (PostgreSQL) or `PRAGMA optimize` at
  // start-up (SQLite) would gather them on a hub that has been running.
  await sql.raw(db.dialect === "postgres" ? "vacuum analyze" : "analyze").execute(db.kysely);
}

// ---------------------------------------------------------------------------------------------
// Queries: what the web UI and the clients ask most.

const queries: { label: string; query: string; nextPage?: boolean }[] = [
  { label: "list, sort=downloads", query: "sort=downloads&limit=20" },
  { label: "list, sort=trendingScore", query: "sort=trendingScore&limit=20" },
  { label: "list, 2nd page (Link) of trending", query: "sort=trendingScore&limit=20", nextPage: true },
  { label: "search English word", query: "search=sentiment&limit=20" },
  { label: "search rare English words", query: "search=poetry%20encyclopedia%20legal&limit=20" },
  { label: "search Chinese word", query: `search=${encodeURIComponent("翻译")}&limit=20` },
  { label: "search id substring", query: "search=qwen-7b&limit=20" },
  { label: "filter task + library", query: "pipeline_tag=text-generation&library=transformers&limit=20" },
  { label: "filter base_model:<id>", query: "filter=base_model:base-author/base-7&limit=20" },
  { label: "filter base_model:quantized:<id>", query: "filter=base_model:quantized:base-author/base-7&limit=20" },
  { label: "num_parameters=min:1B,max:7B", query: "num_parameters=min:1B,max:7B&sort=trendingScore&limit=20" },
  { label: "author", query: "author=author-17&limit=20" },
  { label: "search + task + license", query: `search=${encodeURIComponent("模型")}&pipeline_tag=translation&license=mit&limit=20` },
];

interface Row {
  label: string;
  items: number;
  p50: number;
  p95: number;
  max: number;
}

async function timeQueries(url: string, token: string, s: Settings): Promise<Row[]> {
  const rows: Row[] = [];
  for (const q of queries) {
    let target = `${url}/api/models?${q.query}`;
    if (q.nextPage) {
      const first = await fetch(target);
      const link = /^<([^>]+)>; rel="next"$/.exec(first.headers.get("link") ?? "")?.[1];
      await first.arrayBuffer();
      if (!link) throw new Error(`${q.label}: the first page has no Link header`);
      target = link;
    }
    const times: number[] = [];
    let items = 0;
    for (let i = 0; i < s.warmup + s.requests; i++) {
      // Half the requests signed in (private repos of the caller's own namespace join the query).
      const headers: Record<string, string> = i % 2 === 0 ? {} : { authorization: `Bearer ${token}` };
      const t0 = performance.now();
      const res = await fetch(target, { headers });
      const body = (await res.json()) as unknown[];
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${q.label}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      items = body.length;
      if (i >= s.warmup) times.push(ms);
    }
    times.sort((a, b) => a - b);
    const at = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
    rows.push({ label: q.label, items, p50: at(0.5), p95: at(0.95), max: times.at(-1)! });
  }
  return rows;
}

function printRows(backend: string, rows: Row[]): void {
  const table = [["query", "items", "p50 ms", "p95 ms", "max ms", `p95 < ${goalP95Ms} ms`]];
  for (const r of rows) {
    table.push([r.label, String(r.items), r.p50.toFixed(1), r.p95.toFixed(1), r.max.toFixed(1), r.p95 < goalP95Ms ? "met" : "NOT MET"]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  console.log(`\n  ${backend}:`);
  for (const row of table) console.log(`    ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`);
}

async function runBackend(backend: "sqlite" | "postgres", s: Settings, work: string, cleanup: Cleanup): Promise<Row[]> {
  const dataDir = path.join(work, backend);
  let databaseUrl = "";
  if (backend === "postgres") {
    const name = `modelport_bench_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: s.postgresAdminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    cleanup.add(`drop database ${name}`, async () => {
      const c = new pg.Client({ connectionString: s.postgresAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
    const u = new URL(s.postgresAdminUrl);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
  }
  console.log(`\n  ${backend}: seeding ${s.repos.toLocaleString("en-US")} repos…`);
  const t0 = performance.now();
  const db = await openDb({ databaseUrl, dataDir });
  try {
    await seed(db, s.repos);
  } finally {
    await db.close();
  }
  console.log(`    seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const hub = await startHub(dataDir, path.join(work, `${backend}.log`), cleanup.signal, databaseUrl ? { MODELPORT_DATABASE_URL: databaseUrl } : {});
  try {
    return await timeQueries(hub.url, hub.token, s);
  } finally {
    await hub.stop();
  }
}

async function main(): Promise<void> {
  const s = readSettings();
  const cleanup = new Cleanup();
  cleanup.onAbnormalExit();
  try {
    const work = await mkdtemp(path.join(s.tmpBase, "modelport-bench-discovery-"));
    cleanup.add(`remove ${work}`, () => rm(work, { recursive: true, force: true }));
    const load = os.loadavg()[0] ?? 0;
    console.log(`Modelport discovery benchmark on ${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}, node ${process.version}, load ${load.toFixed(2)}`);
    console.log(`  ${s.repos.toLocaleString("en-US")} repos; ${s.requests} timed requests per query after ${s.warmup} warm-up ones, one at a time, over HTTP on 127.0.0.1`);
    const results: [string, Row[]][] = [];
    for (const backend of s.backends) results.push([backend, await runBackend(backend, s, work, cleanup)]);
    console.log("\nSummary (latency of the whole request as the client sees it):");
    for (const [backend, rows] of results) printRows(backend, rows);
  } catch (err) {
    throw cleanup.signal.aborted ? cleanup.signal.reason : err;
  } finally {
    await cleanup.run();
  }
}

// Run when started as a script; `seed` can also be imported (to look at query plans on a seeded database).
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((err: unknown) => {
    console.error(`\nbenchmark failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode ||= 1;
  });
}
