import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DomainError } from "../../lib/domain-error.js";
import { DetailedError } from "../../lib/error-details.js";
import type { EmbeddingRequest, GenerationEvent, GenerationRequest } from "../engine.js";
import type { HubToWorker, LoadedInfo, WorkerInitOptions, WorkerLoadOptions, WorkerToHub } from "./protocol.js";

/** Where engine components report what operators should see. */
export interface EngineLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * The worker module next to this one, and how to run it: the compiled
 * `worker.js` runs as is; from the TypeScript sources (tests, `tsx`) the
 * child needs tsx's loader too. Nothing of the parent's `execArgv` (test
 * runner or inspector flags) is passed on.
 */
function workerEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here);
  const file = path.join(path.dirname(here), `worker${ext}`);
  return { file, execArgv: ext === ".ts" ? ["--import", import.meta.resolve("tsx")] : [] };
}

/** How long a worker gets to exit after `shutdown` before it is killed. */
const shutdownGraceMs = 5000;
/** Bytes of the worker's stderr kept for the crash report (native asserts print there). */
const stderrTailBytes = 4096;

interface Pending {
  onEvent?: (event: GenerationEvent) => void;
  resolve: (result?: { vectors: Float32Array[]; promptTokens: number }) => void;
  reject: (err: unknown) => void;
  embedded?: { vectors: Float32Array[]; promptTokens: number };
}

/**
 * One model worker process seen from the hub: forks it, loads the model,
 * sends requests with ids and routes the answers back. When the process dies
 * every request in flight fails with `Unavailable`, and `exited` resolves so
 * the owner can drop it (the next request loads the model again).
 */
export class WorkerProcess {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderrTail = "";
  private disposed = false;
  /** Resolves when the process is gone, with how it ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** The model's name in logs, once one is loaded. */
  private label = "(no model yet)";
  /** The init or load in progress. */
  private waiter: { expect: "ready" | "loaded"; resolve: (info?: LoadedInfo) => void; reject: (err: unknown) => void } | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly log: EngineLog,
  ) {
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-stderrTailBytes);
    });
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        const crash = !this.disposed;
        if (crash) this.log.error({ model: this.label, pid: child.pid, code, signal, stderr: this.stderrTail.trim() }, "model worker exited unexpectedly");
        const err = new DomainError(
          "Unavailable",
          crash ? "The model's worker process stopped unexpectedly; the next request loads the model again" : "The model was unloaded",
        );
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        resolve({ code, signal });
      });
    });
    child.on("message", (m: WorkerToHub) => this.onMessage(m));
    // A send to a process that just died raises here; the exit handler reports it.
    child.on("error", (err) => this.log.warn({ model: this.label, err: err.message }, "model worker channel error"));
  }

  /**
   * Forks a worker and starts its native runtime, without a model yet: the
   * engine keeps one such spare ready so that loading a model takes only the
   * model's own load time.
   */
  static async spawn(init: WorkerInitOptions, log: EngineLog): Promise<WorkerProcess> {
    const entry = workerEntry();
    const child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    const worker = new WorkerProcess(child, log);
    try {
      await worker.control({ type: "init", options: init }, "ready");
      return worker;
    } catch (err) {
      await worker.dispose();
      throw err;
    }
  }

  /** Loads the model into this (spawned, still empty) worker; on failure the process is stopped. */
  async load(options: WorkerLoadOptions, label: string): Promise<LoadedInfo> {
    this.label = label;
    try {
      return (await this.control({ type: "load", options }, "loaded")) as LoadedInfo;
    } catch (err) {
      await this.dispose();
      throw err;
    }
  }

  /** Sends an init or load message and waits for its answer (or for the process to die). */
  private control(message: HubToWorker, expect: "ready" | "loaded"): Promise<LoadedInfo | undefined> {
    return new Promise((resolve, reject) => {
      this.waiter = { expect, resolve, reject };
      void this.exited.then(({ code, signal }) =>
        reject(new DomainError("Unprocessable", `The model could not be loaded: its worker exited (${signal ?? `code ${code}`}) while loading it`)),
      );
      this.send(message);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process still runs and takes requests. */
  get alive(): boolean {
    return !this.disposed && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Runs a generation; events arrive through `onEvent`, the promise settles when the worker is done with it. */
  generate(request: GenerationRequest, signal: AbortSignal, onEvent: (event: GenerationEvent) => void): Promise<void> {
    return this.request((id) => ({ type: "generate", id, request }), signal, onEvent).then(() => undefined);
  }

  async embed(request: EmbeddingRequest, signal: AbortSignal): Promise<{ vectors: Float32Array[]; promptTokens: number }> {
    const result = await this.request((id) => ({ type: "embed", id, request }), signal);
    if (!result) throw new DomainError("Unavailable", "The request was aborted");
    return result;
  }

  /** Asks the worker to exit (killing it if it does not) and waits until it has; idempotent. */
  async dispose(): Promise<void> {
    if (!this.disposed) {
      this.disposed = true;
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.send({ type: "shutdown" });
        const timer = setTimeout(() => this.child.kill("SIGKILL"), shutdownGraceMs);
        timer.unref();
        await this.exited;
        clearTimeout(timer);
      }
    }
    await this.exited;
  }

  /** Kills the process as a crash would (tests and operators' last resort). */
  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    this.child.kill(signal);
  }

  private request(
    make: (id: number) => HubToWorker,
    signal: AbortSignal,
    onEvent?: (event: GenerationEvent) => void,
  ): Promise<{ vectors: Float32Array[]; promptTokens: number } | undefined> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        reject(new DomainError("Unavailable", "The model's worker process is not running"));
        return;
      }
      // The worker answers an abort with `done` once the sequence is free again.
      const onAbort = () => this.send({ type: "abort", id });
      signal.addEventListener("abort", onAbort, { once: true });
      const cleanup = () => signal.removeEventListener("abort", onAbort);
      this.pending.set(id, {
        ...(onEvent ? { onEvent } : {}),
        resolve: (r) => {
          cleanup();
          resolve(r);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      });
      this.send(make(id));
      if (signal.aborted) onAbort();
    });
  }

  private onMessage(m: WorkerToHub): void {
    switch (m.type) {
      case "ready":
      case "loaded":
        if (this.waiter?.expect === m.type) this.waiter.resolve(m.type === "loaded" ? m.info : undefined);
        this.waiter = undefined;
        break;
      case "loadFailed":
        this.waiter?.reject(new DomainError("Unprocessable", `The model could not be loaded: ${m.message}`));
        this.waiter = undefined;
        break;
      case "event":
        this.pending.get(m.id)?.onEvent?.(m.event);
        break;
      case "embedded": {
        const p = this.pending.get(m.id);
        if (p) p.embedded = { vectors: m.vectors, promptTokens: m.promptTokens };
        break;
      }
      case "done": {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve(p.embedded);
        break;
      }
      case "failed": {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.kind === "InvalidArgument") p?.reject(new DetailedError("InvalidArgument", m.message, m.param ? { param: m.param } : {}));
        else p?.reject(new Error(`model worker: ${m.message}`));
        break;
      }
      case "log":
        // llama.cpp warns about many harmless things (tokenizer round trips of small vocabularies…): info, not warn.
        this.log[m.level === "error" ? "error" : "info"]({ model: this.label }, `llama.cpp: ${m.message}`);
        break;
    }
  }

  private send(message: HubToWorker): void {
    if (this.child.connected) this.child.send(message);
  }
}
