import { type ChildProcess, spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A server the benchmark started and must stop. */
export interface Server {
  pid: number;
  /** False once the process has exited. */
  running(): boolean;
  /** Output of the process, for error messages when it misbehaves. */
  logTail(): Promise<string>;
  /** SIGTERM, then SIGKILL if it has not exited after a grace period. */
  stop(): Promise<void>;
}

/**
 * Starts a long-running process with its output in a log file rather than a
 * pipe, so an unread pipe can never stall the server in the middle of a run.
 */
export function startServer(label: string, command: string, args: string[], opts: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string }): Server {
  const log = openSync(opts.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", log, log] });
  } finally {
    closeSync(log);
  }
  if (child.pid === undefined) throw new Error(`${label}: could not start ${command}`);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("error", () => {});
  // Last resort when this process exits without cleaning up: children would otherwise outlive it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  void exited.then(() => process.off("exit", killOnExit));
  const pid = child.pid;
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    pid,
    running,
    logTail: async () => (await readFile(opts.logFile, "utf8").catch(() => "")).split("\n").slice(-20).join("\n"),
    async stop() {
      if (!running()) return;
      child.kill("SIGTERM");
      const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
      if (timedOut) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** Asks the kernel for a free loopback port (the tiny race until the server binds it is acceptable here). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address for a free port");
  return address.port;
}

/**
 * Polls `url` until it answers 200, so no measurement includes a server's
 * start-up. A server that does not come up is stopped here, as the caller
 * never gets hold of it to clean up.
 */
export async function waitUntilServing(server: Server, label: string, url: string, signal: AbortSignal, timeoutMs = 30_000): Promise<void> {
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      signal.throwIfAborted();
      if (await answers200(url)) return;
      if (!server.running()) throw new Error(`${label} exited while starting; its log ends:\n${await server.logTail()}`);
      await sleep(100);
    }
    throw new Error(`${label} did not answer ${url} within ${timeoutMs / 1000}s; its log ends:\n${await server.logTail()}`);
  } catch (err) {
    await server.stop();
    throw err;
  }
}

function answers200(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: "HEAD", agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once("error", () => resolve(false));
    req.end();
  });
}

/** Runs a short command to completion (killed when `signal` aborts); rejects with its output when it fails. */
export function runCommand(command: string, args: string[], opts: { signal: AbortSignal; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, signal: opts.signal, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}: ${stderr || stdout}`));
    });
  });
}
