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
import { Cleanup } from "./lib/cleanup.js";
import { timedDownload, timedUpload } from "./lib/http-client.js";
import { type BenchHub, createRepo, lfsBatch, lfsVerify, startHub } from "./lib/hub.js";
import { type BenchNginx, nginxBinary, startNginx } from "./lib/nginx.js";
import { runCommand } from "./lib/processes.js";
import { writeRandomFile } from "./lib/random-file.js";
import { type RssReport, watchRss } from "./lib/rss.js";
import { timedSha256sum } from "./lib/sha256sum.js";

const MiB = 1 << 20;

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

/** Per-run seconds of each contender, and the hub's memory per run. */
interface Results {
  hubUpload: number[];
  sha256sum: number[];
  hubDownload: number[];
  nginxDownload: number[];
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

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return n;
}

/**
 * Fails before generating a gigabyte if the temp disk cannot hold the source
 * file, the stored object and a second upload's temp copy at once.
 */
async function checkDiskSpace(dir: string, size: number): Promise<void> {
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  const needed = 3 * size + 256 * MiB;
  if (free < needed) {
    throw new Error(`${dir} has ${mib(free)} MiB free, the benchmark needs ${mib(needed)} MiB; set BENCH_TMPDIR or a smaller BENCH_SIZE_MB`);
  }
}

/**
 * Writes dirty pages out before each timed run, so no run pays for the
 * write-back of the previous one's gigabyte.
 */
async function settle(): Promise<void> {
  await runCommand("sync", []);
}

async function measureUploads(s: Settings, hub: BenchHub, repo: string, file: string, oid: string, results: Results): Promise<void> {
  const actions = await lfsBatch(hub, repo, "upload", oid, s.size);
  const { upload, verify } = actions;
  if (!upload || !verify) throw new Error(`batch upload lacks upload/verify actions: ${JSON.stringify(actions)}`);
  for (let run = 1; run <= s.runs; run++) {
    await settle();
    const sha = await timedSha256sum(file, oid);
    await settle();
    // The signed link stays valid for its TTL, so each run re-sends the same object; the hub re-hashes and re-stores it every time.
    const { result: seconds, rss } = await watchRss(hub.pid, () => timedUpload(upload.href, file, s.size, upload.header));
    results.sha256sum.push(sha);
    results.hubUpload.push(seconds);
    results.uploadRss.push(rss);
    console.log(`  upload   run ${run}/${s.runs}: hub ${rate(s.size, seconds)}  sha256sum ${rate(s.size, sha)}  hub RSS ${rssLine(rss)}`);
  }
  await lfsVerify(verify, oid, s.size);
}

async function measureDownloads(s: Settings, hub: BenchHub, repo: string, nginx: BenchNginx, oid: string, results: Results): Promise<void> {
  const { download } = await lfsBatch(hub, repo, "download", oid, s.size);
  if (!download) throw new Error("batch download gave no download action");
  for (let run = 1; run <= s.runs; run++) {
    await settle();
    const ngx = await timedDownload(nginx.fileUrl, s.size);
    await settle();
    const { result: seconds, rss } = await watchRss(hub.pid, () => timedDownload(download.href, s.size));
    results.nginxDownload.push(ngx);
    results.hubDownload.push(seconds);
    results.downloadRss.push(rss);
    console.log(`  download run ${run}/${s.runs}: hub ${rate(s.size, seconds)}  nginx ${rate(s.size, ngx)}  hub RSS ${rssLine(rss)}`);
  }
}

function printSummary(s: Settings, r: Results): void {
  const best = (xs: number[]) => Math.min(...xs);
  const down = best(r.nginxDownload) / best(r.hubDownload);
  const up = best(r.sha256sum) / best(r.hubUpload);
  const growth = (xs: RssReport[]) => Math.max(...xs.map((x) => x.peak - x.baseline));
  const worstRss = (xs: RssReport[]) => xs.reduce((a, b) => (b.peak - b.baseline > a.peak - a.baseline ? b : a));
  console.log(`\nSummary: ${mib(s.size)} MiB object, best of ${s.runs} runs, everything on 127.0.0.1`);
  console.log(
    `  download  hub ${rate(s.size, best(r.hubDownload))}  nginx ${rate(s.size, best(r.nginxDownload))}  ` +
      `ratio ${down.toFixed(2)}x  goal >= ${goals.downloadVsNginx}x  ${verdict(down >= goals.downloadVsNginx)}`,
  );
  console.log(
    `  upload    hub ${rate(s.size, best(r.hubUpload))}  sha256sum ${rate(s.size, best(r.sha256sum))}  ` +
      `ratio ${up.toFixed(2)}x  goal >= ${goals.uploadVsSha256sum}x  ${verdict(up >= goals.uploadVsSha256sum)}`,
  );
  for (const [label, reports] of [["upload", r.uploadRss], ["download", r.downloadRss]] as const) {
    const g = growth(reports);
    console.log(
      `  hub RSS during ${label.padEnd(8)} worst run ${rssLine(worstRss(reports))}  ` +
        `goal growth < ${mib(goals.rssGrowthBytes)} MiB  ${verdict(g < goals.rssGrowthBytes)}`,
    );
  }
}

function rate(bytes: number, seconds: number): string {
  return `${(bytes / MiB / seconds).toFixed(0).padStart(5)} MiB/s (${seconds.toFixed(2)}s)`;
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

async function main(): Promise<void> {
  const s = readSettings();
  const cleanup = new Cleanup();
  cleanup.onSignals();
  try {
    await checkDiskSpace(s.tmpBase, s.size);
    const work = await mkdtemp(path.join(s.tmpBase, "modelport-bench-"));
    cleanup.add(`remove ${work}`, () => rm(work, { recursive: true, force: true }));
    console.log(`Modelport LFS transfer benchmark on ${describeMachine()}`);
    console.log(`  temp folder ${work}`);

    const www = path.join(work, "www");
    await mkdir(www);
    const file = path.join(www, "object.bin");
    console.log(`  writing ${mib(s.size)} MiB of random bytes…`);
    const oid = await writeRandomFile(file, s.size);

    const hub = await startHub(path.join(work, "hub"), path.join(work, "hub.log"));
    cleanup.add("stop hub", () => hub.stop());
    const nginx = await startNginx(path.join(work, "nginx"), file);
    cleanup.add("stop nginx", () => nginx.stop());
    console.log(`  hub ${hub.url} (pid ${hub.pid}), nginx ${new URL(nginx.fileUrl).origin} (pid ${nginx.pid})\n`);

    const results: Results = { hubUpload: [], sha256sum: [], hubDownload: [], nginxDownload: [], uploadRss: [], downloadRss: [] };
    const repo = await createRepo(hub, "lfs-transfer");
    await measureUploads(s, hub, repo, file, oid, results);
    await measureDownloads(s, hub, repo, nginx, oid, results);
    printSummary(s, results);
  } finally {
    await cleanup.run();
  }
}

main().catch((err: unknown) => {
  console.error(`\nbenchmark failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
