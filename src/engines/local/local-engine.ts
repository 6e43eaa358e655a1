import { DomainError } from "../../lib/domain-error.js";
import { DetailedError, invalidParam } from "../../lib/error-details.js";
import { type GgufSummary, inspectGguf } from "../../lib/gguf/index.js";
import { AsyncQueue } from "../async-queue.js";
import type { EmbeddingRequest, EmbeddingResult, Engine, GenerationEvent, GenerationRequest } from "../engine.js";
import type { InferenceMetrics } from "../inference-metrics.js";
import { toGrammarSchema } from "./json-schema-support.js";
import { estimateModelMemory } from "./memory.js";
import { ModelRunner } from "./model-runner.js";
import { type EngineLog, WorkerProcess } from "./worker-process.js";

/** A GGUF file the local engine can run. */
export interface LocalModel {
  /** Content id of the file (LFS sha256): two repos holding the same file share one loaded model. */
  key: string;
  /** Absolute path of the file on local disk. */
  file: string;
  size: number;
  /** How callers named it (`alice/tiny:model.gguf`), for status pages and logs. */
  label: string;
}

export interface LocalEngineOptions {
  /** CPU threads per model worker (already resolved: never 0). */
  threads: number;
  /** Parallel sequences per loaded model. */
  parallel: number;
  /** Tokens per sequence (capped at each model's training context). */
  contextSize: number;
  /** Bytes all loaded models may use together; 0: no limit. */
  memoryBudget: number;
  /** Unload a model unused this long; 0: never. */
  idleTimeoutMs: number;
  /** Requests that may wait per model once its sequences are busy. */
  maxQueue: number;
  gpu: false | "auto";
  log: EngineLog;
  metrics?: InferenceMetrics;
  /** How long a model that failed to load answers with that failure before it is tried again. */
  loadFailureTtlMs?: number;
}

/** What `GET /api/inference/status` shows of one loaded model. */
export interface LoadedModelStatus {
  key: string;
  labels: string[];
  kind: "text-generation" | "embedding";
  pid: number | undefined;
  memoryBytes: number;
  fileBytes: number;
  contextSize: number;
  parallel: number;
  busySequences: number;
  activeRequests: number;
  queuedRequests: number;
  chatWrapper?: string;
  loadMs: number;
  loadedAt: string;
  lastUsedAt: string;
}

interface Loaded {
  runner: ModelRunner;
  summary: GgufSummary;
  fileBytes: number;
}

/**
 * Runs GGUF models with node-llama-cpp, each in its own supervised worker
 * process. A model loads on first use (after `inspectGguf` has validated the
 * file in plain JS, so native code never sees a malformed one); loads are
 * serialized, and make room in the memory budget by unloading idle models,
 * least recently used first. A worker that crashes fails its requests and is
 * forgotten: the next request loads the model again. A model that fails to
 * load keeps answering with that failure for a while (the file is
 * content-addressed: it will fail the same way), so clients that retry do not
 * make the hub fork in a loop.
 */
export class LocalEngine implements Engine<LocalModel> {
  private readonly loaded = new Map<string, Loaded>();
  private readonly loading = new Map<string, { promise: Promise<Loaded>; estimate: number }>();
  private readonly failures = new Map<string, { err: unknown; until: number }>();
  private loadChain: Promise<unknown> = Promise.resolve();
  /** A worker with its native runtime started and no model yet, so the next load skips that part. */
  private spare: Promise<WorkerProcess> | undefined;
  private readonly idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  private constructor(private readonly options: LocalEngineOptions) {
    if (options.idleTimeoutMs > 0) {
      this.idleTimer = setInterval(() => void this.evictIdle(), Math.min(Math.max(options.idleTimeoutMs / 4, 250), 30_000));
      this.idleTimer.unref();
    }
  }

  /** Creates the engine and starts warming its spare worker (the engine is created on the first inference request). */
  static async create(options: LocalEngineOptions): Promise<LocalEngine> {
    if (!(options.threads >= 1) || !(options.parallel >= 1)) throw new Error("threads and parallel must be at least 1");
    const engine = new LocalEngine(options);
    engine.warmSpare();
    return engine;
  }

  async *generate(model: LocalModel, original: GenerationRequest, signal: AbortSignal): AsyncIterable<GenerationEvent> {
    const request = this.prepare(original);
    const { runner, summary } = await this.ensureLoaded(model);
    if (summary.kind === "embedding") throw invalidParam("model", `${model.label} is an embedding model; use /v1/embeddings`);
    const release = await this.acquire(runner, request.n, signal);
    // Stops the worker when the consumer stops reading early; the sequences return only once it has.
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();
    const events = new AsyncQueue<GenerationEvent>();
    const done = runner.worker.generate(request, stop.signal, (e) => events.push(e)).then(
      () => events.end(),
      (err) => events.fail(err),
    );
    try {
      yield* events;
    } finally {
      signal.removeEventListener("abort", onAbort);
      stop.abort(new Error("consumer stopped"));
      await done;
      release();
    }
  }

  async embed(model: LocalModel, request: EmbeddingRequest, signal: AbortSignal): Promise<EmbeddingResult> {
    const { runner, summary } = await this.ensureLoaded(model);
    if (summary.kind !== "embedding") throw invalidParam("model", `${model.label} generates text, not embeddings; use an embedding model (e.g. bert)`);
    const release = await this.acquire(runner, 1, signal);
    try {
      return await runner.worker.embed(request, signal);
    } finally {
      release();
    }
  }

  /** The models loaded now, for the status page and metrics. */
  status(): LoadedModelStatus[] {
    return [...this.loaded.values()].map(({ runner, summary, fileBytes }) => ({
      key: runner.key,
      labels: [...runner.labels],
      kind: summary.kind,
      pid: runner.worker.pid,
      memoryBytes: runner.info.memoryBytes,
      fileBytes,
      contextSize: runner.info.contextSize,
      parallel: runner.parallel,
      busySequences: runner.busySequences,
      activeRequests: runner.active,
      queuedRequests: runner.queued,
      ...(runner.info.chatWrapper ? { chatWrapper: runner.info.chatWrapper } : {}),
      loadMs: Math.round(runner.info.loadMs),
      loadedAt: new Date(runner.loadedAt).toISOString(),
      lastUsedAt: new Date(runner.lastUsed).toISOString(),
    }));
  }

  /** The worker process of a loaded model (tests kill it to check crash recovery). */
  workerOf(key: string): WorkerProcess | undefined {
    return this.loaded.get(key)?.runner.worker;
  }

  /** Unloads a model now (waiting requests fail with 503); false when it was not loaded. */
  async unload(key: string, reason: "idle" | "memory" | "admin" = "admin"): Promise<boolean> {
    const entry = this.loaded.get(key);
    if (!entry) return false;
    this.loaded.delete(key);
    entry.runner.failWaiting(new DetailedError("Unavailable", "The model was unloaded; retry", { retryAfterSeconds: 1 }));
    this.options.metrics?.evictions.inc({ reason });
    this.options.log.info({ model: entry.runner.key, labels: [...entry.runner.labels], reason }, "unloading model");
    await entry.runner.worker.dispose();
    return true;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    await Promise.allSettled([...this.loading.values()].map((l) => l.promise));
    const spare = this.spare;
    this.spare = undefined;
    await Promise.all([
      ...[...this.loaded.keys()].map((key) => this.unload(key, "admin")),
      spare?.then((w) => w.dispose(), () => undefined),
    ]);
  }

  /**
   * Refuses what this engine cannot honour (400) before any model loads, and
   * puts JSON schemas in the form the grammar compiler takes. The raw OpenAI
   * body is not needed past this point.
   */
  private prepare(request: GenerationRequest): GenerationRequest {
    if (request.n > this.options.parallel) {
      throw invalidParam("n", `n must be at most ${this.options.parallel} here (the parallel sequences of a model)`);
    }
    if (request.tools && request.format.type !== "text") {
      throw invalidParam("response_format", "response_format cannot be combined with tools on local models");
    }
    if (request.tools && request.logprobs) {
      throw invalidParam("logprobs", "logprobs cannot be combined with tools on local models");
    }
    const { wire: _wire, ...rest } = request;
    return {
      ...rest,
      format:
        request.format.type === "json_schema"
          ? { type: "json_schema", schema: toGrammarSchema(request.format.schema, "response_format.json_schema.schema") }
          : request.format,
      ...(request.tools
        ? {
            tools: {
              choice: request.tools.choice,
              specs: request.tools.specs.map((t, i) =>
                t.parameters === undefined ? t : { ...t, parameters: toGrammarSchema(t.parameters, `tools[${i}].function.parameters`) },
              ),
            },
          }
        : {}),
    };
  }

  private async acquire(runner: ModelRunner, slots: number, signal: AbortSignal): Promise<() => void> {
    try {
      return await runner.acquire(slots, signal);
    } catch (err) {
      if (err instanceof DetailedError && err.details.retryAfterSeconds !== undefined) this.options.metrics?.queueRejections.inc();
      throw err;
    }
  }

  private async ensureLoaded(model: LocalModel): Promise<Loaded> {
    if (this.disposed) throw new DomainError("Unavailable", "The inference engine is shutting down");
    const ready = this.loaded.get(model.key);
    if (ready) {
      ready.runner.labels.add(model.label);
      return ready;
    }
    const pending = this.loading.get(model.key);
    if (pending) return pending.promise;
    const failed = this.failures.get(model.key);
    if (failed && failed.until > Date.now()) throw failed.err;

    const promise = this.load(model);
    this.loading.set(model.key, { promise, estimate: model.size });
    try {
      return await promise;
    } finally {
      this.loading.delete(model.key);
    }
  }

  private load(model: LocalModel): Promise<Loaded> {
    // One load at a time: each sees the memory the previous one really took.
    const run = this.loadChain.then(() => this.loadNow(model));
    this.loadChain = run.catch(() => undefined);
    return run;
  }

  private async loadNow(model: LocalModel): Promise<Loaded> {
    const { options } = this;
    let summary: GgufSummary;
    try {
      summary = await inspectGguf(model.file);
    } catch (err) {
      // The file's bytes never change: it stays refused.
      this.failures.set(model.key, { err, until: Infinity });
      throw err;
    }
    const estimate = estimateModelMemory(model.size, summary, options.parallel, options.contextSize);
    const entry = this.loading.get(model.key);
    if (entry) entry.estimate = estimate;
    await this.makeRoom(estimate);

    const started = performance.now();
    let worker: WorkerProcess | undefined;
    let info;
    try {
      worker = await this.takeWorker();
      info = await worker.load(
        { file: model.file, kind: summary.kind, threads: options.threads, parallel: options.parallel, contextSize: options.contextSize, gpu: options.gpu },
        model.label,
      );
    } catch (err) {
      options.metrics?.loads.inc({ outcome: "failed" });
      options.log.warn({ model: model.key, label: model.label, err: (err as Error).message }, "model failed to load");
      this.failures.set(model.key, { err, until: Date.now() + (options.loadFailureTtlMs ?? 60_000) });
      throw err;
    }
    options.metrics?.loads.inc({ outcome: "ok" });
    options.metrics?.loadSeconds.observe((performance.now() - started) / 1000);
    options.log.info({ model: model.key, label: model.label, pid: worker.pid, memoryBytes: info.memoryBytes, loadMs: Math.round(info.loadMs) }, "model loaded");

    const runner = new ModelRunner(model.key, worker, info, options.parallel, options.maxQueue, new Set([model.label]));
    const loaded: Loaded = { runner, summary, fileBytes: model.size };
    this.loaded.set(model.key, loaded);
    void worker.exited.then(() => {
      if (this.loaded.get(model.key) !== loaded) return; // unloaded on purpose
      this.loaded.delete(model.key);
      options.metrics?.crashes.inc();
      runner.failWaiting(new DomainError("Unavailable", "The model's worker process stopped unexpectedly; the next request loads the model again"));
    });
    if (this.disposed) await this.unload(model.key, "admin");
    return loaded;
  }

  /** The spare worker (or a fresh one when there is none), and a new spare started in the background. */
  private async takeWorker(): Promise<WorkerProcess> {
    const spare = this.spare;
    this.spare = undefined;
    let worker = spare ? await spare.catch(() => undefined) : undefined;
    if (!worker?.alive) worker = await this.spawn();
    this.warmSpare();
    return worker;
  }

  /** Starts a spare worker unless one is ready or starting. */
  private warmSpare(): void {
    if (this.disposed || this.spare) return;
    const spare = this.spawn();
    this.spare = spare;
    spare.then(
      (w) => void w.exited.then(() => {
        if (this.spare === spare) this.spare = undefined;
      }),
      () => {
        if (this.spare === spare) this.spare = undefined;
      },
    );
  }

  private spawn(): Promise<WorkerProcess> {
    return WorkerProcess.spawn({ threads: this.options.threads, gpu: this.options.gpu }, this.options.log);
  }

  /** Unloads idle models, least recently used first, until `needed` bytes fit in the budget. */
  private async makeRoom(needed: number): Promise<void> {
    const budget = this.options.memoryBudget;
    if (budget <= 0) return;
    if (needed > budget) {
      throw new DomainError(
        "Unprocessable",
        `This model needs about ${mib(needed)} MiB of memory; the inference memory budget is ${mib(budget)} MiB (MODELPORT_INFERENCE_MEMORY)`,
      );
    }
    const used = () => [...this.loaded.values()].reduce((sum, l) => sum + l.runner.info.memoryBytes, 0);
    const idle = [...this.loaded.values()].filter((l) => l.runner.idle).sort((a, b) => a.runner.lastUsed - b.runner.lastUsed);
    while (used() + needed > budget && idle.length > 0) {
      const victim = idle.shift()!;
      if (victim.runner.idle) await this.unload(victim.runner.key, "memory");
    }
    if (used() + needed > budget) {
      throw new DetailedError(
        "Unavailable",
        `Not enough inference memory is free: models in use hold ${mib(used())} of ${mib(budget)} MiB and this one needs about ${mib(needed)} MiB; retry later`,
        { retryAfterSeconds: 5 },
      );
    }
  }

  private async evictIdle(): Promise<void> {
    const cutoff = Date.now() - this.options.idleTimeoutMs;
    for (const l of [...this.loaded.values()]) {
      if (l.runner.idle && l.runner.lastUsed < cutoff) await this.unload(l.runner.key, "idle");
    }
  }
}

function mib(bytes: number): number {
  return Math.ceil(bytes / 1024 ** 2);
}
