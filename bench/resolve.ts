/**
 * `/resolve` request-rate benchmark: `GET` and `HEAD` of one small file
 * (a ~600-byte `config.json`, what every client fetches first) through a real
 * `modelport serve` process at 64 keep-alive connections, set beside nginx
 * serving the same bytes statically at the same path. Prints requests per
 * second and the hub/nginx ratio (goal: HEAD ≥ 0.3× nginx on 2 cores).
 * Run with `npm run bench:resolve`; see bench/README.md.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { positiveInt } from "./lib/env.js";
import { Cleanup } from "./lib/cleanup.js";
import { type BenchHub, createRepo, startHub } from "./lib/hub.js";
import { nginxBinary, startNginx } from "./lib/nginx.js";
import { runCommand } from "./lib/processes.js";

/** The goal of the issue, printed beside the results. */
const goals = { headVsNginx: 0.3 };

/** Seconds of load before the timed runs, per server and method: JIT, caches and connection set-up. */
const warmupSeconds = 2;
/** How long past its own time limit a load tool may run before it is killed. */
const toolGraceSeconds = 15;

type Method = "GET" | "HEAD";
type Target = "hub" | "nginx";

interface Settings {
  seconds: number;
  runs: number;
  connections: number;
  wrkThreads: number;
  tmpBase: string;
}

interface Measurement {
  requestsPerSecond: number;
  requests: number;
}

function readSettings(): Settings {
  return {
    seconds: positiveInt("BENCH_SECONDS", 5),
    runs: positiveInt("BENCH_RUNS", 3),
    connections: positiveInt("BENCH_CONNECTIONS", 64),
    wrkThreads: positiveInt("BENCH_WRK_THREADS", 1),
    tmpBase: process.env.BENCH_TMPDIR ?? os.tmpdir(),
  };
}

/** Fails early, with the Debian package to install, when a load tool is missing. */
function checkTools(): void {
  const missing = [
    ["wrk", ["-v"], "wrk"],
    ["ab", ["-V"], "apache2-utils"],
    [nginxBinary, ["-v"], "nginx-light"],
  ].filter(([cmd, args]) => spawnSync(cmd as string, args as string[]).error !== undefined);
  if (missing.length > 0) {
    throw new Error(`missing ${missing.map(([cmd]) => cmd).join(", ")}: apt-get install -y ${missing.map(([, , pkg]) => pkg).join(" ")}`);
  }
}

/**
 * A plausible small `config.json` of about 600 bytes, like the one
 * transformers fetches first for every model.
 */
function configJson(): Buffer {
  const config = {
    _name_or_path: "bench/m",
    architectures: ["BertForMaskedLM"],
    attention_probs_dropout_prob: 0.1,
    classifier_dropout: null,
    gradient_checkpointing: false,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    hidden_size: 768,
    initializer_range: 0.02,
    intermediate_size: 3072,
    layer_norm_eps: 1e-12,
    max_position_embeddings: 512,
    model_type: "bert",
    num_attention_heads: 12,
    num_hidden_layers: 12,
    pad_token_id: 0,
    position_embedding_type: "absolute",
    torch_dtype: "float32",
    transformers_version: "4.44.0",
    type_vocab_size: 2,
    use_cache: true,
    vocab_size: 30522,
  };
  return Buffer.from(`${JSON.stringify(config, null, 2)}\n`);
}

/** Commits one small file through the NDJSON commit API (as huggingface_hub's `create_commit` does); returns the commit id. */
async function commitFile(hub: BenchHub, repoId: string, filePath: string, bytes: Buffer): Promise<string> {
  const lines = [
    { key: "header", value: { summary: `add ${filePath}` } },
    { key: "file", value: { path: filePath, content: bytes.toString("base64"), encoding: "base64" } },
  ];
  const res = await fetch(`${hub.url}/api/models/${repoId}/commit/main`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", authorization: `Bearer ${hub.token}` },
    body: lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`commit to ${repoId} failed: ${res.status} ${text}`);
  const commit = (JSON.parse(text) as { commitOid?: unknown }).commitOid;
  if (typeof commit !== "string") throw new Error(`commit answered without a commitOid: ${text}`);
  return commit;
}

/**
 * Before any load: both servers must answer 200 with the same bytes, HEAD must
 * announce the right length with no body, and the hub must send the headers
 * clients rely on. Otherwise the figures would compare different work.
 */
async function checkResponses(urls: Record<Target, string>, expected: Buffer, commit: string): Promise<void> {
  for (const target of ["hub", "nginx"] as const) {
    const url = urls[target];
    const get = await fetch(url);
    const body = Buffer.from(await get.arrayBuffer());
    if (get.status !== 200) throw new Error(`${target}: GET ${url} answered ${get.status}: ${body.toString("utf8", 0, 500)}`);
    if (!body.equals(expected)) throw new Error(`${target}: GET ${url} returned ${body.length} bytes that differ from the ${expected.length} committed`);
    const head = await fetch(url, { method: "HEAD" });
    if (head.status !== 200) throw new Error(`${target}: HEAD ${url} answered ${head.status}`);
    if (head.headers.get("content-length") !== String(expected.length)) {
      throw new Error(`${target}: HEAD ${url} announced Content-Length ${head.headers.get("content-length")}, expected ${expected.length}`);
    }
    if (target !== "hub") continue;
    for (const res of [get, head]) {
      if (!res.headers.get("etag")) throw new Error(`hub: ${url} answered without an ETag`);
      if (res.headers.get("x-repo-commit") !== commit) {
        throw new Error(`hub: ${url} answered X-Repo-Commit ${res.headers.get("x-repo-commit")}, expected ${commit}`);
      }
    }
  }
}

/** Bounds a load tool run even if it hangs, and gives up on Ctrl-C. */
function toolSignal(signal: AbortSignal, seconds: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout((seconds + toolGraceSeconds) * 1000)]);
}

/** `GET` with wrk: keep-alive HTTP/1.1, `connections` connections over `threads` threads. */
async function wrkGet(url: string, s: Settings, seconds: number, signal: AbortSignal): Promise<Measurement> {
  const args = ["-t", String(s.wrkThreads), "-c", String(s.connections), "-d", `${seconds}s`, "--timeout", "5s", url];
  const out = await runCommand("wrk", args, { signal: toolSignal(signal, seconds) });
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out)?.[1];
  const requests = /^\s*(\d+) requests in /m.exec(out)?.[1];
  if (rps === undefined || requests === undefined) throw new Error(`could not read wrk's output:\n${out}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1];
  if (non2xx !== undefined) throw new Error(`wrk GET ${url}: ${non2xx} responses were not 2xx/3xx:\n${out}`);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  if (socketErrors && socketErrors.slice(1).some((n) => Number(n) > 0)) throw new Error(`wrk GET ${url}: ${socketErrors[0]}:\n${out}`);
  return { requestsPerSecond: Number(rps), requests: Number(requests) };
}

/**
 * `HEAD` with ApacheBench (`ab -i -k`): wrk 4.1 waits for a body after a HEAD
 * response that carries Content-Length, and so measures nothing. ab knows a
 * HEAD response has no body. It speaks HTTP/1.0 with `Connection: keep-alive`,
 * single-threaded, the same way to both servers.
 */
async function abHead(url: string, s: Settings, seconds: number, signal: AbortSignal): Promise<Measurement> {
  // -t before -n: -t alone would cap the run at 50000 requests. -r: count a reset connection as a failure instead of exiting.
  const args = ["-i", "-k", "-q", "-r", "-c", String(s.connections), "-t", String(seconds), "-n", "100000000", "-s", "5", url];
  const out = await runCommand("ab", args, { signal: toolSignal(signal, seconds) });
  const field = (name: string) => new RegExp(`^${name}:\\s+([\\d.]+)`, "m").exec(out)?.[1];
  const rps = field("Requests per second");
  const complete = field("Complete requests");
  if (rps === undefined || complete === undefined) throw new Error(`could not read ab's output:\n${out}`);
  const failed = Number(field("Failed requests") ?? 0);
  const non2xx = Number(field("Non-2xx responses") ?? 0);
  if (failed > 0 || non2xx > 0) throw new Error(`ab HEAD ${url}: ${failed} failed, ${non2xx} non-2xx of ${complete} requests:\n${out}`);
  // A server that closed every connection would be measured on TCP set-up instead: say so rather than compare.
  const keptAlive = Number(field("Keep-Alive requests") ?? 0);
  if (keptAlive < 0.9 * Number(complete)) throw new Error(`ab HEAD ${url}: only ${keptAlive} of ${complete} requests reused a connection:\n${out}`);
  return { requestsPerSecond: Number(rps), requests: Number(complete) };
}

function measure(method: Method, url: string, s: Settings, seconds: number, signal: AbortSignal): Promise<Measurement> {
  return method === "GET" ? wrkGet(url, s, seconds, signal) : abHead(url, s, seconds, signal);
}

type Results = Record<Method, Record<Target, number[]>>;

async function runLoad(urls: Record<Target, string>, s: Settings, signal: AbortSignal): Promise<Results> {
  const methods: Method[] = ["GET", "HEAD"];
  console.log(`  warm-up: ${warmupSeconds}s of each method on each server`);
  for (const method of methods) for (const target of ["nginx", "hub"] as const) await measure(method, urls[target], s, warmupSeconds, signal);

  const results: Results = { GET: { hub: [], nginx: [] }, HEAD: { hub: [], nginx: [] } };
  for (let run = 1; run <= s.runs; run++) {
    // Alternate who goes first, so neither always runs on a machine still busy from the other.
    const order: Target[] = run % 2 === 1 ? ["nginx", "hub"] : ["hub", "nginx"];
    for (const method of methods) {
      const line: string[] = [];
      for (const target of order) {
        const m = await measure(method, urls[target], s, s.seconds, signal);
        results[method][target].push(m.requestsPerSecond);
        line.push(`${target} ${rps(m.requestsPerSecond)} req/s (${m.requests} requests)`);
      }
      console.log(`  run ${run}/${s.runs} ${method.padEnd(4)}  ${line.join("  ")}`);
    }
  }
  return results;
}

function printSummary(s: Settings, r: Results): void {
  const best = (xs: number[]) => Math.max(...xs);
  console.log(`\nSummary: best of ${s.runs} runs of ${s.seconds}s, ${s.connections} keep-alive connections, everything on 127.0.0.1`);
  const rows = [["", "hub req/s", "nginx req/s", "hub/nginx", "goal", ""]];
  for (const method of ["GET", "HEAD"] as const) {
    const hub = best(r[method].hub);
    const nginx = best(r[method].nginx);
    const ratio = hub / nginx;
    const goal = method === "HEAD" ? goals.headVsNginx : undefined;
    const tool = method === "GET" ? "wrk" : "ab -i -k";
    rows.push([
      `${method} (${tool})`,
      rps(hub),
      rps(nginx),
      `${ratio.toFixed(2)}x`,
      goal === undefined ? "-" : `>= ${goal}x`,
      goal === undefined ? "" : ratio >= goal ? "met" : "NOT MET",
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) console.log(`  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")}`.trimEnd());
}

function rps(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function describeMachine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  // `nginx -v` and `wrk -v` print to stderr (wrk exits 1); `ab -V` to stdout.
  const nginx = spawnSync(nginxBinary, ["-v"], { encoding: "utf8" }).stderr.trim().replace(/^nginx version: /, "") || "nginx";
  const wrk = /wrk (\S+)/.exec(spawnSync("wrk", ["-v"], { encoding: "utf8" }).stdout ?? "")?.[1] ?? "?";
  const ab = /Version (\S+)/.exec(spawnSync("ab", ["-V"], { encoding: "utf8" }).stdout ?? "")?.[1] ?? "?";
  return `${os.cpus().length} x ${cpu}, node ${process.version}, ${nginx}, wrk ${wrk}, ab ${ab}`;
}

/**
 * Client and servers share the CPUs, so the CPUs this process may use (its
 * affinity, which `taskset` sets and the servers inherit) and the load are
 * printed with the figures. The goal is stated for 2 CPUs.
 */
function describeLoad(): string {
  const cpus = os.availableParallelism();
  const load = os.loadavg()[0] ?? 0;
  const busy = load > cpus / 2 ? " (busy machine: expect noisy figures)" : "";
  const goalCpus = cpus === 2 ? "" : " (the goal is stated for 2: try `taskset -c 0,1 npm run bench:resolve`)";
  return `${cpus} CPUs available${goalCpus}, load average ${load.toFixed(2)}${busy}`;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const cleanup = new Cleanup();
  cleanup.onAbnormalExit();
  const { signal } = cleanup;
  try {
    checkTools();
    const work = await mkdtemp(path.join(settings.tmpBase, "modelport-bench-resolve-"));
    cleanup.add(`remove ${work}`, () => rm(work, { recursive: true, force: true }));
    console.log(`Modelport /resolve benchmark on ${describeMachine()}`);
    console.log(`  ${describeLoad()}, temp folder ${work}`);

    const bytes = configJson();
    const hub = await startHub(path.join(work, "hub"), path.join(work, "hub.log"), signal);
    cleanup.add("stop hub", () => hub.stop());
    const repo = await createRepo(hub, "m");
    const commit = await commitFile(hub, repo, "config.json", bytes);
    const urlPath = `${repo}/resolve/main/config.json`;

    // nginx serves the same bytes at the same path, from a plain folder.
    const www = path.join(work, "www");
    const file = path.join(www, ...urlPath.split("/"));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    const nginx = await startNginx(path.join(work, "nginx"), file, signal, www);
    cleanup.add("stop nginx", () => nginx.stop());

    const urls: Record<Target, string> = { hub: `${hub.url}/${urlPath}`, nginx: nginx.fileUrl };
    console.log(`  hub   ${urls.hub} (pid ${hub.pid})`);
    console.log(`  nginx ${urls.nginx} (pid ${nginx.pid})`);
    console.log(`  file  ${bytes.length} bytes, commit ${commit}\n`);

    await checkResponses(urls, bytes, commit);
    const results = await runLoad(urls, settings, signal);
    // A server that died under load would have failed a run, but say so plainly if it did.
    for (const [label, server] of [["hub", hub], ["nginx", nginx]] as const) {
      if (!server.running()) throw new Error(`${label} exited during the runs; its log ends:\n${await server.logTail()}`);
    }
    printSummary(settings, results);
  } catch (err) {
    // An interrupted run reports the interruption, not whichever step it cut short.
    throw signal.aborted ? signal.reason : err;
  } finally {
    await cleanup.run();
  }
}

main().catch((err: unknown) => {
  console.error(`\nbenchmark failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode ||= 1;
});
