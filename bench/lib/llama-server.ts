import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, type Server, startServer, waitUntilServing } from "./processes.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** The llama.cpp source node-llama-cpp ships in its npm tarball: exactly the engine the hub runs. */
const llamaDir = path.join(repoRoot, "node_modules", "node-llama-cpp", "llama");
const bundle = path.join(llamaDir, "gitRelease.bundle");

/**
 * CMake options for an offline CPU build (research notes, serving.md §3.1):
 * the web UI would otherwise be downloaded at build time, OpenSSL would need
 * libssl-dev, and tests and examples only cost time. `GGML_NATIVE` stays at
 * its default (ON): tuned for this CPU, as anyone building llama-server gets.
 */
const offlineFlags = [
  "-DCMAKE_BUILD_TYPE=Release",
  "-DLLAMA_USE_PREBUILT_UI=OFF",
  "-DLLAMA_BUILD_UI=OFF",
  "-DLLAMA_OPENSSL=OFF",
  "-DLLAMA_BUILD_TESTS=OFF",
  "-DLLAMA_BUILD_EXAMPLES=OFF",
];

/** Marker written last: a folder without it is a build that was cut short, and is redone. */
const completeMarker = "BUILD_COMPLETE";

export interface LlamaServerBuild {
  /** The `llama-server` executable. */
  binary: string;
  /** `v0.5.0 (de3ff81)`: the llama.cpp release and commit of the bundled source. */
  version: string;
  /** Whether this run compiled it (false: reused from the cache). */
  built: boolean;
}

export interface BuildOptions {
  /** Where builds are kept between runs, outside the repo. */
  cacheDir: string;
  /** Parallel compile jobs. */
  jobs: number;
  /** Extra CMake options (`BENCH_LLAMA_CMAKE_FLAGS`); part of the cache key. */
  extraFlags: string[];
  signal: AbortSignal;
  log: (line: string) => void;
}

/** `~/.cache/modelport-bench` (or `$XDG_CACHE_HOME/modelport-bench`). */
export function defaultCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "modelport-bench");
}

/**
 * Builds `llama-server` once from the llama.cpp source in node-llama-cpp's
 * npm package (a git bundle), into `<cacheDir>/llama-server-<tag>-<commit>`,
 * and reuses that build on later runs. Never runs in CI: only the benchmark
 * calls it. 7-18 minutes with 2 jobs on 2 vCPUs (18 on a busy one).
 */
export async function ensureLlamaServer(opts: BuildOptions): Promise<LlamaServerBuild> {
  if (!existsSync(bundle)) throw new Error(`no llama.cpp source at ${bundle}: is node-llama-cpp installed (npm ci)?`);
  const tag = (JSON.parse(await readFile(path.join(llamaDir, "llama.cpp.info.json"), "utf8")) as { tag?: string }).tag ?? "unknown";
  const heads = spawnSync("git", ["bundle", "list-heads", bundle], { encoding: "utf8" });
  const commit = /^([0-9a-f]{40}) HEAD$/m.exec(heads.stdout ?? "")?.[1];
  if (!commit) throw new Error(`git bundle list-heads ${bundle} found no HEAD: ${heads.stderr || heads.error?.message}`);
  const flagsKey = opts.extraFlags.length ? `-${createHash("sha256").update(opts.extraFlags.join(" ")).digest("hex").slice(0, 8)}` : "";
  const dir = path.join(opts.cacheDir, `llama-server-${tag}-${commit.slice(0, 7)}${flagsKey}`);
  const binary = path.join(dir, "build", "bin", "llama-server");
  const version = `${tag} (${commit.slice(0, 7)})`;
  if (existsSync(path.join(dir, completeMarker)) && existsSync(binary)) return { binary, version, built: false };

  await mkdir(opts.cacheDir, { recursive: true });
  const lock = `${dir}.lock`;
  await takeLock(lock);
  try {
    // A folder left by an interrupted build is started over: a half-configured tree is not worth repairing.
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const logFile = path.join(dir, "build.log");
    const ninja = spawnSync("ninja", ["--version"]).error === undefined;
    opts.log(`building llama-server ${version} into ${dir} (${ninja ? "ninja" : "make"}, ${opts.jobs} jobs; full log in ${logFile})`);
    const started = performance.now();
    const run = (cmd: string, args: string[], progress?: (line: string) => void) =>
      runLogged(cmd, args, { cwd: dir, logFile, signal: opts.signal, onLine: progress });
    await run("git", ["clone", "--quiet", bundle, "src"]);
    opts.log("  source cloned from the bundle; configuring");
    const generator = ninja ? ["-G", "Ninja"] : [];
    await run("cmake", ["-S", "src", "-B", "build", ...generator, ...offlineFlags, ...opts.extraFlags]);
    await run("cmake", ["--build", "build", "--config", "Release", "--target", "llama-server", "-j", String(opts.jobs)], buildProgress(opts.log, started));
    if (!existsSync(binary)) throw new Error(`the build finished but ${binary} is missing; see ${logFile}`);
    await writeFile(path.join(dir, completeMarker), `${new Date().toISOString()} ${[...offlineFlags, ...opts.extraFlags].join(" ")}\n`);
    opts.log(`  built in ${((performance.now() - started) / 1000 / 60).toFixed(1)} min`);
    return { binary, version, built: true };
  } catch (err) {
    // Leave no half build behind (it would be redone anyway); keep the log's tail in the error.
    const tail = await readFile(path.join(dir, "build.log"), "utf8").then((t) => t.split("\n").slice(-15).join("\n"), () => "");
    await rm(dir, { recursive: true, force: true });
    if (opts.signal.aborted) throw err;
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${tail}`);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** One build at a time per cache folder: a lock folder holding the builder's pid; a dead builder's lock is taken over. */
async function takeLock(lock: string): Promise<void> {
  try {
    await mkdir(lock);
  } catch {
    const pid = Number(await readFile(path.join(lock, "pid"), "utf8").catch(() => "0"));
    if (pid > 0 && isAlive(pid)) throw new Error(`another benchmark (pid ${pid}) is building llama-server into the same folder; wait for it or remove ${lock}`);
    await rm(lock, { recursive: true, force: true });
    await mkdir(lock);
  }
  await writeFile(path.join(lock, "pid"), String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Prints build progress from ninja's `[n/total]` (or make's `[ nn%]`) lines:
 * at every 10% and at least once a minute, with the elapsed time.
 */
function buildProgress(log: (line: string) => void, started: number): (line: string) => void {
  let lastTenth = -1;
  let lastPrint = performance.now();
  return (line) => {
    const ninja = /^\[(\d+)\/(\d+)\]/.exec(line);
    const make = /^\[\s*(\d+)%\]/.exec(line);
    const fraction = ninja ? Number(ninja[1]) / Number(ninja[2]) : make ? Number(make[1]) / 100 : undefined;
    if (fraction === undefined) return;
    const tenth = Math.floor(fraction * 10);
    const now = performance.now();
    if (tenth === lastTenth && now - lastPrint < 60_000) return;
    lastTenth = tenth;
    lastPrint = now;
    const step = ninja ? `step ${ninja[1]}/${ninja[2]}` : `${make![1]}%`;
    log(`  build ${String(Math.round(fraction * 100)).padStart(3)}%  ${step}  ${((now - started) / 1000).toFixed(0)}s`);
  };
}

/**
 * Runs a build step with its output appended to `logFile` (and each line
 * offered to `onLine`); killed, with its process group, when `signal` aborts.
 */
function runLogged(cmd: string, args: string[], opts: { cwd: string; logFile: string; signal: AbortSignal; onLine?: (line: string) => void }): Promise<void> {
  opts.signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const log = createWriteStream(opts.logFile, { flags: "a" });
    log.write(`$ ${cmd} ${args.join(" ")}\n`);
    // Its own process group, so an abort stops the compilers ninja started, not just ninja.
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const kill = () => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    };
    opts.signal.addEventListener("abort", kill, { once: true });
    // The build must not outlive this process, even if it exits without cleaning up.
    process.once("exit", kill);
    let pending = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      log.write(s);
      pending += s;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) opts.onLine?.(line);
    });
    child.stderr.on("data", (b: Buffer) => log.write(b));
    child.once("error", (err) => finish(err));
    child.once("close", (code, sig) => finish(code === 0 ? undefined : new Error(`${cmd} ${args.join(" ")} failed (${sig ?? `exit ${code}`})`)));
    let done = false;
    function finish(err: Error | undefined): void {
      if (done) return;
      done = true;
      opts.signal.removeEventListener("abort", kill);
      process.off("exit", kill);
      log.end(() => {
        if (opts.signal.aborted) reject(opts.signal.reason);
        else if (err) reject(err);
        else resolve();
      });
    }
  });
}

export interface BenchLlamaServer extends Server {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The command line it was started with (without the binary). */
  args: string[];
}

/**
 * Starts llama-server on a free loopback port: `threads` threads for both
 * generation and prompt processing, `parallel` slots with continuous batching,
 * `contextPerSlot` tokens of context for each slot (`-c` is the total, split
 * across the slots), and no web UI. `extraArgs` (`BENCH_LLAMA_ARGS`) come
 * last, so they can override any of these.
 */
export async function startLlamaServer(
  binary: string,
  model: string,
  opts: { threads: number; parallel: number; contextPerSlot: number; logFile: string; signal: AbortSignal; extraArgs?: string[] },
): Promise<BenchLlamaServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const help = spawnSync(binary, ["--help"], { encoding: "utf8" });
  const args = [
    "-m", model,
    "-t", String(opts.threads),
    "-tb", String(opts.threads),
    "-np", String(opts.parallel),
    "-c", String(opts.parallel * opts.contextPerSlot),
    "--host", "127.0.0.1",
    "--port", String(port),
  ];
  if (`${help.stdout}${help.stderr}`.includes("--no-webui")) args.push("--no-webui");
  args.push(...(opts.extraArgs ?? []));
  const server = startServer("llama-server", binary, args, { logFile: opts.logFile });
  // /health answers 503 while the model loads, 200 once it can serve.
  await waitUntilServing(server, "llama-server", `${url}/health`, opts.signal, 120_000);
  return { ...server, url, args };
}
