/**
 * Inference benchmark: the same generated GGUF model served through a real
 * `modelport serve` process (node-llama-cpp in a model worker process) and
 * through llama-server, built from the llama.cpp source that the
 * node-llama-cpp npm package ships (the same engine), with the same threads,
 * parallel sequences and context. One client streams `/v1/completions` from
 * both and prints single-stream tokens/s, aggregate tokens/s at 4 and 8
 * concurrent streams and the time to first token, each as a ratio to
 * llama-server (goals: ≥ 0.95×, ≥ 1.0× at 8 streams, TTFT overhead ≤ 10 ms).
 * Run with `npm run bench:inference`; see bench/README.md.
 */
import { spawnSync } from "node:child_process";
import { readFile, mkdtemp, rm, stat } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { positiveInt } from "./lib/env.js";
import { Cleanup } from "./lib/cleanup.js";
import { withCpu } from "./lib/cpu.js";
import { timedUpload } from "./lib/http-client.js";
import { type BenchHub, createRepo, lfsBatch, lfsVerify, startHub } from "./lib/hub.js";
import { type BenchLlamaServer, defaultCacheDir, ensureLlamaServer, startLlamaServer } from "./lib/llama-server.js";
import { type StreamResult, streamCompletion } from "./lib/openai-stream.js";
import { runCommand } from "./lib/processes.js";
import { timedSha256sum } from "./lib/sha256sum.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const cli = path.join(repoRoot, "bin", "modelport.js");

/** The goals of the issue, printed beside the results. */
const goals = { singleStream: 0.95, aggregate8: 1.0, ttftOverheadMs: 10 };

/** Concurrent streams measured besides the single one; the largest is also the parallel sequences of both servers. */
const concurrencies = [4, 8] as const;
const parallel = 8;

/**
 * The prompt: plain ASCII, one token per character with the generated
 * vocabulary (docs/models.md). Each request puts a distinct tag in front, its
 * fastest-changing digit first, so no server can reuse a previous request's
 * KV cache (prefix caching) and every request evaluates its whole prompt.
 */
const promptText = " Once upon a time, in a small village by the sea, there lived an old fisherman who";

type Target = "llama" | "hub";
const label: Record<Target, string> = { llama: "llama-server", hub: "hub" };

interface Settings {
  threads: number;
  embd: number;
  layers: number;
  seed: number;
  maxTokens: number;
  runs: number;
  ttftSamples: number;
  requestTimeoutMs: number;
  tmpBase: string;
  cacheDir: string;
  buildJobs: number;
  cmakeFlags: string[];
  llamaServer: string | undefined;
  llamaArgs: string[];
}

function readSettings(): Settings {
  return {
    threads: positiveInt("BENCH_THREADS", Math.max(1, os.availableParallelism() - 1)),
    embd: positiveInt("BENCH_MODEL_EMBD", 1024),
    layers: positiveInt("BENCH_MODEL_LAYERS", 16),
    seed: positiveInt("BENCH_MODEL_SEED", 1),
    maxTokens: positiveInt("BENCH_MAX_TOKENS", 128),
    runs: positiveInt("BENCH_RUNS", 3),
    ttftSamples: positiveInt("BENCH_TTFT_SAMPLES", 30),
    requestTimeoutMs: positiveInt("BENCH_REQUEST_TIMEOUT", 300) * 1000,
    tmpBase: process.env.BENCH_TMPDIR ?? os.tmpdir(),
    cacheDir: process.env.BENCH_CACHE_DIR || defaultCacheDir(),
    buildJobs: positiveInt("BENCH_BUILD_JOBS", 2),
    cmakeFlags: words(process.env.BENCH_LLAMA_CMAKE_FLAGS),
    llamaServer: process.env.BENCH_LLAMA_SERVER || undefined,
    llamaArgs: words(process.env.BENCH_LLAMA_ARGS),
  };
}

function words(raw: string | undefined): string[] {
  return (raw ?? "").split(/\s+/).filter((w) => w !== "");
}

/** Context per sequence: prompt + answer + margin, in KV-cache-sized steps of 256 (node-llama-cpp pads to them anyway). */
function contextPerSequence(s: Settings): number {
  return Math.max(512, Math.ceil((promptText.length + 16 + s.maxTokens + 16) / 256) * 256);
}

function tag(i: number): string {
  return `#${String(i).padStart(5, "0").split("").reverse().join("")}`;
}

/** A server as the client sees it: where to send, with what, and the processes that do its work. */
interface Endpoint {
  target: Target;
  url: string;
  token?: string;
  model: string;
  agent: http.Agent;
  /** Processes whose CPU time is read around the 8-stream runs. */
  pids: { label: string; pid: number }[];
}

let requestCounter = 0;

function complete(ep: Endpoint, maxTokens: number, s: Settings, signal: AbortSignal, prompt: "full" | "short" = "full"): Promise<StreamResult> {
  const i = ++requestCounter;
  // The short prompt is one letter (2 tokens with BOS), a different one each time: one token to evaluate, on both servers.
  const text = prompt === "full" ? `${tag(i)}${promptText}` : String.fromCharCode(97 + (i % 26));
  const body = { model: ep.model, prompt: text, max_tokens: maxTokens, temperature: 0 };
  return streamCompletion(ep.url, body, { token: ep.token, agent: ep.agent, signal: AbortSignal.any([signal, AbortSignal.timeout(s.requestTimeoutMs)]) });
}

/** A random model greedily decoded never ends early (docs/models.md); a server that did would be doing less work. */
function checkFull(ep: Endpoint, r: StreamResult, maxTokens: number): void {
  if (r.completionTokens !== maxTokens) {
    throw new Error(`${label[ep.target]} generated ${r.completionTokens ?? "an unknown number of"} tokens (finish ${r.finishReason}), expected ${maxTokens}`);
  }
}

interface LevelResult {
  /** Single stream: decode tokens/s of the request; several: total tokens / wall time. */
  tokensPerSecond: number;
  tokens: number;
  seconds: number;
  /** CPU seconds per process over the measurement (8 streams only). */
  cpu?: { label: string; seconds: number }[];
}

/** `streams` requests at once; all must produce `maxTokens` tokens. */
async function measureLevel(ep: Endpoint, streams: number, s: Settings, signal: AbortSignal, watchCpu: boolean): Promise<LevelResult> {
  const work = async () => {
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: streams }, () => complete(ep, s.maxTokens, s, signal)));
    const seconds = (performance.now() - started) / 1000;
    for (const r of results) checkFull(ep, r, s.maxTokens);
    return { results, seconds };
  };
  if (!watchCpu) {
    const { results, seconds } = await work();
    const tokens = results.reduce((n, r) => n + (r.completionTokens ?? 0), 0);
    if (streams === 1) {
      // The rate the reader sees once text flows: tokens after the first over the time between first and last text.
      const r = results[0]!;
      return { tokensPerSecond: (tokens - 1) / ((r.lastTextMs - r.ttftMs) / 1000), tokens, seconds };
    }
    return { tokensPerSecond: tokens / seconds, tokens, seconds };
  }
  // Nest withCpu around every process of the server.
  let run: () => Promise<{ out: Awaited<ReturnType<typeof work>>; cpu: { label: string; seconds: number }[] }> = async () => ({ out: await work(), cpu: [] });
  for (const p of ep.pids) {
    const inner = run;
    run = async () => {
      const { result, cpuSeconds } = await withCpu(p.pid, inner);
      return { out: result.out, cpu: [{ label: p.label, seconds: cpuSeconds }, ...result.cpu] };
    };
  }
  const { out, cpu } = await run();
  const tokens = out.results.reduce((n, r) => n + (r.completionTokens ?? 0), 0);
  return { tokensPerSecond: tokens / out.seconds, tokens, seconds: out.seconds, cpu };
}

interface Results {
  single: Record<Target, number[]>;
  aggregate: Record<(typeof concurrencies)[number], Record<Target, number[]>>;
  /** Time to first token with a one-letter prompt and with the full prompt. */
  ttftMs: Record<"short" | "full", Record<Target, number[]>>;
  /** Prompt tokens of those requests, as the servers counted them (the same on both, or the run fails). */
  ttftPromptTokens: Record<"short" | "full", number>;
  /** CPU seconds per 1000 tokens at 8 streams, per process, per run. */
  cpuPerKiloToken: Record<Target, { label: string; seconds: number }[][]>;
}

async function warmUp(eps: Endpoint[], s: Settings, signal: AbortSignal): Promise<void> {
  for (const ep of eps) {
    const started = performance.now();
    const r = await complete(ep, s.maxTokens, s, signal);
    checkFull(ep, r, s.maxTokens);
    console.log(
      `  warm-up ${label[ep.target].padEnd(12)} first request ${(performance.now() - started).toFixed(0)} ms` +
        `${ep.target === "hub" ? " (loads the model)" : ""}, prompt ${r.promptTokens} tokens, ${r.completionTokens} generated in ${r.textEvents} events`,
    );
    // Every sequence once, so no measurement meets a cold one.
    await measureLevel(ep, parallel, s, signal, false);
  }
}

/** Greedy decoding of the same model and prompt: the texts should agree (they may not, across CPU builds, on random weights). */
async function compareOutputs(eps: Endpoint[], s: Settings, signal: AbortSignal): Promise<void> {
  const fixed = `${tag(0)}${promptText}`;
  const texts: string[] = [];
  const prompts: (number | undefined)[] = [];
  for (const ep of eps) {
    const r = await streamCompletion(ep.url, { model: ep.model, prompt: fixed, max_tokens: 32, temperature: 0 }, { token: ep.token, agent: ep.agent, signal });
    texts.push(r.text);
    prompts.push(r.promptTokens);
  }
  const same = texts[0]!.trim() === texts[1]!.trim();
  console.log(`  same prompt, greedy, 32 tokens: outputs ${same ? "identical" : "differ"}; prompt tokens ${prompts.join(" / ")}`);
  if (!same) for (const [i, ep] of eps.entries()) console.log(`    ${label[ep.target].padEnd(12)} ${JSON.stringify(texts[i]!.slice(0, 60))}`);
}

/**
 * Time to first token, twice: with a one-letter prompt, where the model's
 * own work is one token's evaluation (about the time of one decode step) and
 * the rest is each server's overhead (the goal), and with the full prompt,
 * where prompt evaluation dominates (its run-to-run spread on a small
 * machine is larger than the 10 ms of the goal).
 */
async function measureTtft(eps: Record<Target, Endpoint>, s: Settings, r: Results, signal: AbortSignal): Promise<void> {
  for (const prompt of ["short", "full"] as const) {
    for (let i = 0; i < s.ttftSamples; i++) {
      const order: Target[] = i % 2 === 0 ? ["llama", "hub"] : ["hub", "llama"];
      for (const t of order) {
        const res = await complete(eps[t], 1, s, signal, prompt);
        r.ttftMs[prompt][t].push(res.ttftMs);
        if (res.promptTokens !== undefined && r.ttftPromptTokens[prompt] !== 0 && res.promptTokens !== r.ttftPromptTokens[prompt]) {
          throw new Error(`${label[t]} counted ${res.promptTokens} prompt tokens where the other server counted ${r.ttftPromptTokens[prompt]}`);
        }
        r.ttftPromptTokens[prompt] = res.promptTokens ?? 0;
      }
    }
    const m = r.ttftMs[prompt];
    console.log(
      `  TTFT, ${r.ttftPromptTokens[prompt]}-token prompt (${s.ttftSamples} requests each, max_tokens 1, alternating):` +
        ` median llama-server ${median(m.llama).toFixed(1)} ms, hub ${median(m.hub).toFixed(1)} ms`,
    );
  }
}

async function runRounds(eps: Record<Target, Endpoint>, s: Settings, r: Results, signal: AbortSignal): Promise<void> {
  for (let run = 1; run <= s.runs; run++) {
    // Alternate who goes first, so neither always runs on a machine still busy from the other.
    const order: Target[] = run % 2 === 1 ? ["llama", "hub"] : ["hub", "llama"];
    for (const streams of [1, ...concurrencies]) {
      const line: string[] = [];
      for (const t of order) {
        const m = await measureLevel(eps[t], streams, s, signal, streams === parallel);
        if (streams === 1) r.single[t].push(m.tokensPerSecond);
        else r.aggregate[streams as (typeof concurrencies)[number]][t].push(m.tokensPerSecond);
        if (m.cpu) r.cpuPerKiloToken[t].push(m.cpu.map((c) => ({ label: c.label, seconds: (c.seconds / m.tokens) * 1000 })));
        const cpu = m.cpu ? ` [cpu ${m.cpu.map((c) => `${c.label} ${c.seconds.toFixed(1)}s`).join(", ")}]` : "";
        line.push(`${label[t]} ${m.tokensPerSecond.toFixed(1)} tok/s (${m.tokens} tok, ${m.seconds.toFixed(1)} s)${cpu}`);
      }
      console.log(`  run ${run}/${s.runs} ${streams === 1 ? "1 stream " : `${streams} streams`}  ${line.join("  ")}`);
    }
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function printSummary(s: Settings, r: Results): void {
  console.log(`\nSummary: medians of ${s.runs} runs (${s.maxTokens} tokens per stream) and of ${s.ttftSamples} TTFT requests, ${s.threads} thread(s) each, loopback`);
  const rows = [["", "hub", "llama-server", "hub/llama", "goal", ""]];
  const tps = (n: number) => `${n.toFixed(1)} tok/s`;
  const single = { hub: median(r.single.hub), llama: median(r.single.llama) };
  rows.push(["single stream", tps(single.hub), tps(single.llama), ratio(single.hub / single.llama), `>= ${goals.singleStream}x`, met(single.hub / single.llama >= goals.singleStream)]);
  for (const c of concurrencies) {
    const hub = median(r.aggregate[c].hub);
    const llama = median(r.aggregate[c].llama);
    const goal = c === 8 ? goals.aggregate8 : undefined;
    rows.push([`aggregate, ${c} streams`, tps(hub), tps(llama), ratio(hub / llama), goal === undefined ? "-" : `>= ${goal.toFixed(1)}x`, goal === undefined ? "" : met(hub / llama >= goal)]);
  }
  for (const prompt of ["short", "full"] as const) {
    const ttft = { hub: median(r.ttftMs[prompt].hub), llama: median(r.ttftMs[prompt].llama) };
    const overhead = ttft.hub - ttft.llama;
    const goal = prompt === "short";
    rows.push([
      `TTFT, ${r.ttftPromptTokens[prompt]}-token prompt`,
      `${ttft.hub.toFixed(1)} ms`,
      `${ttft.llama.toFixed(1)} ms`,
      `${ratio(ttft.hub / ttft.llama)} (${overhead >= 0 ? "+" : ""}${overhead.toFixed(1)} ms)`,
      goal ? `<= +${goals.ttftOverheadMs} ms` : "-",
      goal ? met(overhead <= goals.ttftOverheadMs) : "",
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) console.log(`  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")}`.trimEnd());

  console.log(`\nCPU seconds per 1000 generated tokens at ${parallel} streams (median; client excluded):`);
  for (const t of ["hub", "llama"] as const) {
    const runs = r.cpuPerKiloToken[t];
    if (runs.length === 0) continue;
    const parts = runs[0]!.map((p, i) => `${p.label} ${median(runs.map((run) => run[i]!.seconds)).toFixed(2)}`);
    console.log(`  ${label[t].padEnd(12)} ${parts.join(", ")}`);
  }
}

function ratio(x: number): string {
  return `${x.toFixed(2)}x`;
}

function met(ok: boolean): string {
  return ok ? "met" : "NOT MET";
}

/** Machine, versions and load: the figures mean little without them. */
async function describeMachine(binary: string): Promise<string[]> {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const nlc = (JSON.parse(await readFile(path.join(repoRoot, "node_modules", "node-llama-cpp", "package.json"), "utf8")) as { version: string }).version;
  const v = spawnSync(binary, ["--version"], { encoding: "utf8" });
  const llamaVersion = /^version: (.+)$/m.exec(`${v.stdout}${v.stderr}`)?.[1] ?? "?";
  const cpus = os.availableParallelism();
  const load = os.loadavg()[0] ?? 0;
  const busy = load > cpus / 2 ? " (busy machine: expect noisy figures)" : "";
  return [
    `${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, node-llama-cpp ${nlc}, llama-server build ${llamaVersion}`,
    `${cpus} CPUs available, load average ${load.toFixed(2)}${busy}`,
  ];
}

/** Children of the hub: the model worker is the one that has the model file mapped (the other is the warm spare). */
async function hubWorkerPid(hubPid: number, oid: string): Promise<number | undefined> {
  const children = (await readFile(`/proc/${hubPid}/task/${hubPid}/children`, "utf8").catch(() => "")).trim().split(/\s+/).filter(Boolean).map(Number);
  for (const pid of children) {
    const maps = await readFile(`/proc/${pid}/maps`, "utf8").catch(() => "");
    if (maps.includes(oid)) return pid;
  }
  return undefined;
}

/** Pushes the model as git-lfs would: batch upload, PUT, verify, then a commit naming the LFS object. */
async function pushModel(hub: BenchHub, file: string, oid: string, size: number, signal: AbortSignal): Promise<string> {
  const repo = await createRepo(hub, "random-llama");
  const actions = await lfsBatch(hub, repo, "upload", oid, size);
  if (actions.upload) await timedUpload(actions.upload.href, file, size, actions.upload.header ?? {}, signal);
  if (actions.verify) await lfsVerify(actions.verify, oid, size);
  const name = path.basename(file);
  const lines = [
    { key: "header", value: { summary: `add ${name}` } },
    { key: "lfsFile", value: { path: name, algo: "sha256", oid, size } },
  ];
  const res = await fetch(`${hub.url}/api/models/${repo}/commit/main`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", authorization: `Bearer ${hub.token}` },
    body: lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
    signal,
  });
  if (!res.ok) throw new Error(`commit to ${repo} failed: ${res.status} ${await res.text()}`);
  return repo;
}

async function main(): Promise<void> {
  const s = readSettings();
  const cleanup = new Cleanup();
  cleanup.onAbnormalExit();
  const { signal } = cleanup;
  const agents: http.Agent[] = [];
  try {
    const log = (line: string) => console.log(line);
    const binary = s.llamaServer ?? (await ensureLlamaServer({ cacheDir: s.cacheDir, jobs: s.buildJobs, extraFlags: s.cmakeFlags, signal, log })).binary;
    const work = await mkdtemp(path.join(s.tmpBase, "modelport-bench-inference-"));
    cleanup.add(`remove ${work}`, () => rm(work, { recursive: true, force: true }));
    console.log(`\nModelport inference benchmark on ${(await describeMachine(binary)).join("\n  ")}`);
    console.log(`  temp folder ${work}`);

    // The model: random weights, so greedy decoding runs to max_tokens on both servers.
    const model = path.join(work, "random-llama-Q8_0.gguf");
    const genStarted = performance.now();
    await runCommand(process.execPath, [
      cli, "gguf", "make", "random", model, "--type", "Q8_0", "--embd", String(s.embd), "--layers", String(s.layers), "--seed", String(s.seed),
    ], { signal });
    const size = (await stat(model)).size;
    const { oid } = await timedSha256sum(model, signal);
    const ctx = contextPerSequence(s);
    console.log(
      `  model: random llama Q8_0, embd ${s.embd}, ${s.layers} layers, ${(size / 2 ** 20).toFixed(0)} MiB (generated in ${((performance.now() - genStarted) / 1000).toFixed(1)} s)`,
    );
    console.log(`  both servers: ${s.threads} thread(s), ${parallel} parallel sequences of ${ctx} tokens, CPU only`);

    const hub = await startHub(path.join(work, "hub"), path.join(work, "hub.log"), signal, {
      MODELPORT_INFERENCE_THREADS: String(s.threads),
      MODELPORT_INFERENCE_PARALLEL: String(parallel),
      MODELPORT_INFERENCE_CONTEXT_SIZE: String(ctx),
      MODELPORT_INFERENCE_GPU: "off",
    });
    cleanup.add("stop hub", () => hub.stop());
    const repo = await pushModel(hub, model, oid, size, signal);

    let llama: BenchLlamaServer;
    try {
      llama = await startLlamaServer(binary, model, { threads: s.threads, parallel, contextPerSlot: ctx, logFile: path.join(work, "llama-server.log"), signal, extraArgs: s.llamaArgs });
    } catch (err) {
      throw new Error(`llama-server did not start: ${err instanceof Error ? err.message : String(err)}`);
    }
    cleanup.add("stop llama-server", () => llama.stop());
    console.log(`  hub          ${hub.url}/v1 model ${repo} (pid ${hub.pid})`);
    console.log(`  llama-server ${llama.url}/v1 (pid ${llama.pid}) ${llama.args.join(" ")}\n`);

    // A connection per request, to both: llama-server closes the connection after each streamed answer
    // although it announces `Keep-Alive`, so a reused one would fail. Connecting over loopback costs well under 1 ms.
    const agent = () => {
      const a = new http.Agent({ keepAlive: false });
      agents.push(a);
      return a;
    };
    const eps: Record<Target, Endpoint> = {
      llama: { target: "llama", url: llama.url, model: "model", agent: agent(), pids: [{ label: "llama-server", pid: llama.pid }] },
      hub: { target: "hub", url: hub.url, token: hub.token, model: repo, agent: agent(), pids: [{ label: "hub", pid: hub.pid }] },
    };
    await warmUp([eps.llama, eps.hub], s, signal);
    const worker = await hubWorkerPid(hub.pid, oid);
    if (worker !== undefined) eps.hub.pids.push({ label: "worker", pid: worker });
    else console.log("  (could not find the hub's model worker process: its CPU time is not shown)");
    await compareOutputs([eps.llama, eps.hub], s, signal);

    const results: Results = {
      single: { hub: [], llama: [] },
      aggregate: { 4: { hub: [], llama: [] }, 8: { hub: [], llama: [] } },
      ttftMs: { short: { hub: [], llama: [] }, full: { hub: [], llama: [] } },
      ttftPromptTokens: { short: 0, full: 0 },
      cpuPerKiloToken: { hub: [], llama: [] },
    };
    await measureTtft(eps, s, results, signal);
    await runRounds(eps, s, results, signal);
    for (const [name, server] of [["hub", hub], ["llama-server", llama]] as const) {
      if (!server.running()) throw new Error(`${name} exited during the runs; its log ends:\n${await server.logTail()}`);
    }
    printSummary(s, results);
  } catch (err) {
    // An interrupted run reports the interruption, not whichever step it cut short.
    throw signal.aborted ? signal.reason : err;
  } finally {
    for (const a of agents) a.destroy();
    await cleanup.run();
  }
}

main().catch((err: unknown) => {
  console.error(`\nbenchmark failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode ||= 1;
});
