/**
 * LFS transfer benchmark: uploads and downloads one large random object
 * through a real `modelport serve` process and compares the throughput with
 * what the machine can do at best: nginx `sendfile` for downloads, coreutils
 * `sha256sum` for uploads (the hub must hash every byte it accepts). It also
 * watches the hub's resident memory, which must stay flat however large the
 * object is. Run with `npm run bench:lfs`; see bench/README.md.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, statfs } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { positiveInt } from "./lib/env.js";
import { Cleanup } from "./lib/cleanup.js";
import { withCpu } from "./lib/cpu.js";
import { timedDownload, timedUpload } from "./lib/http-client.js";
import { type BenchHub, createRepo, lfsBatch, lfsVerify, startHub } from "./lib/hub.js";
import { type BenchNginx, nginxBinary, startNginx } from "./lib/nginx.js";
import { runCommand } from "./lib/processes.js";
import { stampRun, writeRandomFile } from "./lib/random-file.js";
import { type RssReport, watchRss } from "./lib/rss.js";
import { timedSha256sum } from "./lib/sha256sum.js";

const MiB = 1 << 20;
const GiB = 1 << 30;

/** The goals of the issue, printed beside the results. */
const goals = {
  downloadVsNginx: 0.9,
  uploadVsSha256sum: 0.8,
  rssGrowthBytes: 100 * MiB,
};

interface Settings {
  size: number;
  runs: number;
  tmpBase: string;
}

/** One timed transfer or reference run. */
interface Timing {
  seconds: number;
  /** CPU seconds the server process spent on it, where we watch it. */
  cpuSeconds?: number;
}

/** Every run of each contender, and the hub's memory per run. */
interface Results {
  hubUpload: Timing[];
  sha256sum: Timing[];
  hubDownload: Timing[];
  nginxDownload: Timing[];
  uploadRss: RssReport[];
  downloadRss: RssReport[];
}

function readSettings(): Settings {
  const sizeMiB = positiveInt("BENCH_SIZE_MB", 1024);
  return {
    size: sizeMiB * MiB,
    runs: positiveInt("BENCH_RUNS", 3),
    tmpBase: process.env.BENCH_TMPDIR ?? os.tmpdir(),
  };
}

/**
 * Fails before generating a gigabyte if the temp disk cannot hold the source
 * file and every run's stored object at once.
 */
async function checkDiskSpace(dir: string, size: number, runs: number): Promise<void> {
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  const needed = (runs + 1) * size + 256 * MiB;
  if (free < needed) {
    throw new Error(`${dir} has ${mib(free)} MiB free, the benchmark needs ${mib(needed)} MiB; set BENCH_TMPDIR or a smaller BENCH_SIZE_MB`);
  }
}

/** Everything one run works with. */
interface Bench {
  settings: Settings;
  /** Aborted on Ctrl-C: every long step gives up, so the run unwinds into cleanup. */
  signal: AbortSignal;
  hub: BenchHub;
  nginx: BenchNginx;
  repo: string;
  file: string;
  results: Results;
}

/**
 * Writes dirty pages out before each timed run, so no run pays for the
 * write-back of the previous one's gigabyte.
 */
async function settle(signal: AbortSignal): Promise<void> {
  await runCommand("sync", [], { signal });
}

/**
 * One upload run: a new object, hashed by `sha256sum` (the reference, which
 * also yields its oid), then PUT to the batch API's link. Returns the oid.
 */
async function uploadRun(b: Bench, run: number): Promise<string> {
  const { settings: s, signal, results } = b;
  await stampRun(b.file, run);
  await settle(signal);
  const sha = await timedSha256sum(b.file, signal);
  const actions = await lfsBatch(b.hub, b.repo, "upload", sha.oid, s.size);
  const { upload, verify } = actions;
  if (!upload || !verify) throw new Error(`batch upload lacks upload/verify actions: ${JSON.stringify(actions)}`);
  await settle(signal);
  const hub = await watchHub(b, () => timedUpload(upload.href, b.file, s.size, upload.header ?? {}, signal));
  await lfsVerify(verify, sha.oid, s.size);
  results.sha256sum.push({ seconds: sha.seconds });
  results.hubUpload.push(hub.timing);
  results.uploadRss.push(hub.rss);
  console.log(`  upload   run ${run}/${s.runs}: hub ${rate(s.size, hub.timing)}  sha256sum ${rate(s.size, { seconds: sha.seconds })}  hub RSS ${rssLine(hub.rss)}`);
  return sha.oid;
}

/** Returns the oid of the last object uploaded, which is also the file's current content. */
async function measureUploads(b: Bench): Promise<string> {
  let oid = "";
  for (let run = 1; run <= b.settings.runs; run++) oid = await uploadRun(b, run);
  return oid;
}

async function measureDownloads(b: Bench, oid: string): Promise<void> {
  const { settings: s, signal, results } = b;
  const { download } = await lfsBatch(b.hub, b.repo, "download", oid, s.size);
  if (!download) throw new Error("batch download gave no download action");
  for (let run = 1; run <= s.runs; run++) {
    await settle(signal);
    const nginx = await withCpu(b.nginx.pid, () => timedDownload(b.nginx.fileUrl, s.size, signal));
    const nginxTiming = { seconds: nginx.result, cpuSeconds: nginx.cpuSeconds };
    await settle(signal);
    const hub = await watchHub(b, () => timedDownload(download.href, s.size, signal));
    results.nginxDownload.push(nginxTiming);
    results.hubDownload.push(hub.timing);
    results.downloadRss.push(hub.rss);
    console.log(`  download run ${run}/${s.runs}: hub ${rate(s.size, hub.timing)}  nginx ${rate(s.size, nginxTiming)}  hub RSS ${rssLine(hub.rss)}`);
  }
}

/** Times one hub transfer while watching the hub's memory and CPU. */
async function watchHub(b: Bench, transfer: () => Promise<number>): Promise<{ timing: Timing; rss: RssReport }> {
  const { result, rss } = await watchRss(b.hub.pid, () => withCpu(b.hub.pid, transfer));
  return { timing: { seconds: result.result, cpuSeconds: result.cpuSeconds }, rss };
}

function printSummary(s: Settings, r: Results): void {
  const best = (xs: Timing[]) => Math.min(...xs.map((x) => x.seconds));
  const down = best(r.nginxDownload) / best(r.hubDownload);
  const up = best(r.sha256sum) / best(r.hubUpload);
  console.log(`\nSummary: ${mib(s.size)} MiB object, best of ${s.runs} runs, everything on 127.0.0.1`);
  console.log(
    `  download  hub ${rate(s.size, { seconds: best(r.hubDownload) })}  nginx ${rate(s.size, { seconds: best(r.nginxDownload) })}  ` +
      `ratio ${down.toFixed(2)}x  goal >= ${goals.downloadVsNginx}x  ${verdict(down >= goals.downloadVsNginx)}`,
  );
  console.log(
    `  upload    hub ${rate(s.size, { seconds: best(r.hubUpload) })}  sha256sum ${rate(s.size, { seconds: best(r.sha256sum) })}  ` +
      `ratio ${up.toFixed(2)}x  goal >= ${goals.uploadVsSha256sum}x  ${verdict(up >= goals.uploadVsSha256sum)}`,
  );
  for (const [label, reports] of [["upload", r.uploadRss], ["download", r.downloadRss]] as const) {
    const worst = reports.reduce((a, b) => (b.peak - b.baseline > a.peak - a.baseline ? b : a));
    console.log(
      `  hub RSS during ${label.padEnd(8)}  worst run ${rssLine(worst)}  ` +
        `goal growth < ${mib(goals.rssGrowthBytes)} MiB  ${verdict(worst.peak - worst.baseline < goals.rssGrowthBytes)}`,
    );
  }
  const cpu = (xs: Timing[]) => `${(Math.min(...xs.map((x) => x.cpuSeconds ?? Infinity)) / (s.size / GiB)).toFixed(2)}s`;
  console.log(`  server CPU per GiB (least of the runs): hub upload ${cpu(r.hubUpload)}, hub download ${cpu(r.hubDownload)}, nginx download ${cpu(r.nginxDownload)}`);
}

function rate(bytes: number, t: Timing): string {
  const cpu = t.cpuSeconds === undefined ? "" : `, CPU ${t.cpuSeconds.toFixed(2)}s`;
  return `${(bytes / MiB / t.seconds).toFixed(0).padStart(5)} MiB/s (${t.seconds.toFixed(2)}s${cpu})`;
}

function rssLine(r: RssReport): string {
  return `${mib(r.baseline)} -> ${mib(r.peak)} MiB (+${mib(r.peak - r.baseline)})`;
}

function mib(bytes: number): number {
  return Math.round(bytes / MiB);
}

function verdict(ok: boolean): string {
  return ok ? "ok" : "MISSED";
}

function describeMachine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  // `nginx -v` prints to stderr.
  const nginx = spawnSync(nginxBinary, ["-v"], { encoding: "utf8" }).stderr.trim().replace(/^nginx version: /, "") || "nginx";
  return `${os.cpus().length} x ${cpu}, node ${process.version}, ${nginx}`;
}

/** Other work on the machine skews every figure, so the load is printed with them. */
function describeLoad(): string {
  const load = os.loadavg()[0] ?? 0;
  const busy = load > os.cpus().length / 2 ? " (busy machine: expect noisy figures)" : "";
  return `load average ${load.toFixed(2)}${busy}`;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const cleanup = new Cleanup();
  cleanup.onAbnormalExit();
  const { signal } = cleanup;
  try {
    await checkDiskSpace(settings.tmpBase, settings.size, settings.runs);
    const work = await mkdtemp(path.join(settings.tmpBase, "modelport-bench-"));
    cleanup.add(`remove ${work}`, () => rm(work, { recursive: true, force: true }));
    console.log(`Modelport LFS transfer benchmark on ${describeMachine()}`);
    console.log(`  ${describeLoad()}, temp folder ${work}`);

    const www = path.join(work, "www");
    await mkdir(www);
    const file = path.join(www, "object.bin");
    console.log(`  writing ${mib(settings.size)} MiB of random bytes…`);
    await writeRandomFile(file, settings.size, signal);

    const hub = await startHub(path.join(work, "hub"), path.join(work, "hub.log"), signal);
    cleanup.add("stop hub", () => hub.stop());
    const nginx = await startNginx(path.join(work, "nginx"), file, signal);
    cleanup.add("stop nginx", () => nginx.stop());
    console.log(`  hub ${hub.url} (pid ${hub.pid}), nginx ${new URL(nginx.fileUrl).origin} (pid ${nginx.pid})\n`);

    const repo = await createRepo(hub, "lfs-transfer");
    const results: Results = { hubUpload: [], sha256sum: [], hubDownload: [], nginxDownload: [], uploadRss: [], downloadRss: [] };
    const bench: Bench = { settings, signal, hub, nginx, repo, file, results };
    const oid = await measureUploads(bench);
    await measureDownloads(bench, oid);
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
