import { createWriteStream, ReadStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { randomBytes } from "node:crypto";
import type { Config, UpstreamRoute } from "../config/registry.js";
import type { EmbeddingRequest, EmbeddingResult, GenerationEvent, GenerationRequest } from "../engines/engine.js";
import { InferenceMetrics, metricModelLabel } from "../engines/inference-metrics.js";
import { type LoadedModelStatus, LocalEngine, type LocalModel } from "../engines/local/local-engine.js";
import type { EngineLog } from "../engines/local/worker-process.js";
import { hasServableGguf, parseModelId, pickGgufFile } from "../engines/model-ids.js";
import { matchUpstream, UpstreamEngine, type UpstreamTarget } from "../engines/upstream/upstream-engine.js";
import { DomainError } from "../lib/domain-error.js";
import { LruCache } from "../lib/lru-cache.js";
import { DetailedError } from "../lib/error-details.js";
import { MetricsRegistry } from "../lib/metrics.js";
import { canInfer, mayCallInference } from "./access.js";
import type { ListingService } from "./listing.js";
import type { Principal } from "./principal.js";
import type { FileDownload, RepoFileService } from "./repo-files.js";

/** A model id resolved for one caller: a GGUF file run locally, or an upstream deployment. */
export type InferenceTarget =
  | { kind: "local"; id: string; model: LocalModel; created: number; ownedBy: string }
  | { kind: "upstream"; id: string; upstream: UpstreamTarget };

/** One entry of `/v1/models`. */
export interface CallableModel {
  id: string;
  /** Unix seconds. */
  created: number;
  ownedBy: string;
}

/** What the admin status page shows. */
export interface InferenceStatus {
  settings: {
    threads: number;
    parallel: number;
    contextSize: number;
    memoryBudgetBytes: number;
    idleTimeoutSeconds: number;
    maxQueue: number;
    gpu: "auto" | "off";
  };
  memoryUsedBytes: number;
  models: LoadedModelStatus[];
  upstreams: { pattern: string; baseURL: string; access: UpstreamRoute["access"] }[];
}

export type InferenceEndpoint = "chat" | "completions" | "embeddings";

/** Most repos `/v1/models` looks through. */
const maxListedRepos = 10_000;
const silentLog: EngineLog = { info() {}, warn() {}, error() {} };

/**
 * The OpenAI-compatible API's use cases: which model an id names for a
 * caller (with exactly the access rules of downloads), running it on the
 * local engine or an upstream, the model list, and operations data.
 *
 * A local model is the GGUF file's LFS object, read from the blob store by
 * its content id, so every repo (and revision) holding the same file shares
 * one loaded model.
 */
export class InferenceService {
  readonly metrics = new InferenceMetrics(new MetricsRegistry());
  private log: EngineLog = silentLog;
  private local: Promise<LocalEngine> | undefined;
  /** The local engine once `create` resolved, for synchronous readers (metrics, status). */
  private startedLocal: LocalEngine | undefined;
  private upstream: Promise<UpstreamEngine> | undefined;
  private readonly localPaths = new Map<string, Promise<string>>();
  /** The GGUF file `owner/name` means at a commit (commits never change, so entries never go stale). */
  private readonly chosenFiles = new LruCache<string, string | null>(4096);
  private disposed = false;

  constructor(
    private readonly config: Config,
    private readonly files: RepoFileService,
    private readonly listing: ListingService,
    private readonly cacheDir: string,
  ) {
    const engineStatus = () => this.localStatus();
    const r = this.metrics.registry;
    r.gauge("modelport_inference_loaded_models", "Models loaded in worker processes now.", () => [{ value: engineStatus().length }]);
    r.gauge("modelport_inference_queue_depth", "Requests waiting for a sequence, by model.", () =>
      engineStatus().map((m) => ({ labels: { model: metricModelLabel(m.key) }, value: m.queuedRequests })),
    );
    r.gauge("modelport_inference_busy_sequences", "Sequences generating now, by model.", () =>
      engineStatus().map((m) => ({ labels: { model: metricModelLabel(m.key) }, value: m.busySequences })),
    );
    r.gauge("modelport_inference_model_memory_bytes", "Memory a loaded model holds (weights and context), by model.", () =>
      engineStatus().map((m) => ({ labels: { model: metricModelLabel(m.key) }, value: m.memoryBytes })),
    );
    r.gauge("modelport_inference_memory_budget_bytes", "The inference memory budget.", () => [{ value: this.memoryBudget() }]);
  }

  /** Where engine events are logged (the app's logger, once it exists). */
  useLog(log: EngineLog): void {
    this.log = log;
  }

  /** The threads each model computes with: the setting, or one less than the cores (at least 1). */
  threads(): number {
    return this.config.inferenceThreads || Math.max(1, os.availableParallelism() - 1);
  }

  memoryBudget(): number {
    return this.config.inferenceMemory || Math.floor(os.totalmem() / 2);
  }

  /**
   * The model `id` names for this caller. Upstream routes are matched first;
   * otherwise `owner/name[@rev][:file]` names a GGUF file of a model repo the
   * caller may download from. Anything else, including a private repo of
   * someone else, is the same 404 `model_not_found`.
   */
  async resolve(p: Principal, id: string): Promise<InferenceTarget> {
    const upstream = matchUpstream(this.config.upstreams, id);
    if (upstream) {
      if (upstream.route.access === "authenticated" && p.kind === "anonymous") {
        throw new DomainError("Unauthenticated", "This model needs an access token: send Authorization: Bearer hf_…");
      }
      if (!mayCallInference(p)) throw inferenceDenied(id);
      return { kind: "upstream", id, upstream };
    }
    const parsed = parseModelId(id);
    if (!parsed) throw modelNotFound(id);
    let download: FileDownload;
    let repoCreated: string;
    try {
      const { repo, commit } = await this.files.openRevision(p, { type: "model", namespace: parsed.namespace, name: parsed.name }, parsed.revision ?? "HEAD", {
        content: true,
      });
      if (!canInfer(p, repo.row)) throw inferenceDenied(id);
      repoCreated = repo.row.created_at;
      let file = parsed.file;
      if (file === undefined) {
        const cacheKey = `${repo.dir}\0${commit}`;
        let chosen = this.chosenFiles.get(cacheKey);
        if (chosen === undefined) {
          chosen = pickGgufFile((await this.files.listFiles(repo, commit, { details: false })).map((f) => f.path)) ?? null;
          this.chosenFiles.set(cacheKey, chosen);
        }
        file = chosen ?? undefined;
        if (file === undefined) {
          throw new DetailedError("NotFound", `The model \`${id}\` has no GGUF file to serve${parsed.revision ? ` at ${parsed.revision}` : ""}.`, {
            apiCode: "model_not_found",
          });
        }
      }
      download = await this.files.download(repo, commit, file, { raw: false });
    } catch (err) {
      if (err instanceof DomainError && (err.code === "RepoNotFound" || err.code === "RevisionNotFound" || err.code === "EntryNotFound")) {
        throw modelNotFound(id);
      }
      throw err;
    }
    const file = await this.localPath(download);
    return {
      kind: "local",
      id,
      model: { key: download.etag, file, size: download.size, label: `${parsed.namespace}/${parsed.name}${parsed.revision ? `@${parsed.revision}` : ""}:${download.file.path}` },
      created: unixSeconds(repoCreated),
      ownedBy: parsed.namespace,
    };
  }

  /** Generation with metrics: tokens, time to first token, outcome. */
  async *generate(target: InferenceTarget, request: GenerationRequest, signal: AbortSignal, endpoint: InferenceEndpoint): AsyncIterable<GenerationEvent> {
    const started = performance.now();
    const label = labelOf(target);
    let outcome = "aborted";
    let first = true;
    try {
      const events =
        target.kind === "local"
          ? (await this.localEngine()).generate(target.model, request, signal)
          : (await this.upstreamEngine()).generate(target.upstream, request, signal);
      for await (const e of events) {
        if (first && e.type !== "usage") {
          first = false;
          this.metrics.timeToFirstToken.observe((performance.now() - started) / 1000);
        }
        if (e.type === "usage") this.countTokens(label, e.promptTokens, e.completionTokens);
        else if (e.type === "passthrough") {
          const usage = e.body.usage as { prompt_tokens?: number; completion_tokens?: number } | null | undefined;
          if (usage) this.countTokens(label, usage.prompt_tokens ?? 0, usage.completion_tokens ?? 0);
        }
        yield e;
      }
      outcome = signal.aborted ? "aborted" : "ok";
    } catch (err) {
      outcome = signal.aborted ? "aborted" : err instanceof DetailedError && err.details.retryAfterSeconds !== undefined ? "rejected" : "error";
      throw err;
    } finally {
      this.metrics.requests.inc({ endpoint, outcome });
      this.metrics.requestSeconds.observe((performance.now() - started) / 1000, { endpoint });
    }
  }

  async embed(target: InferenceTarget, request: EmbeddingRequest, signal: AbortSignal): Promise<EmbeddingResult> {
    const started = performance.now();
    let outcome = "error";
    try {
      const result =
        target.kind === "local"
          ? await (await this.localEngine()).embed(target.model, request, signal)
          : await (await this.upstreamEngine()).embed(target.upstream, request, signal);
      this.countTokens(labelOf(target), result.promptTokens, 0);
      outcome = "ok";
      return result;
    } catch (err) {
      if (signal.aborted) outcome = "aborted";
      else if (err instanceof DetailedError && err.details.retryAfterSeconds !== undefined) outcome = "rejected";
      throw err;
    } finally {
      this.metrics.requests.inc({ endpoint: "embeddings", outcome });
      this.metrics.requestSeconds.observe((performance.now() - started) / 1000, { endpoint: "embeddings" });
    }
  }

  /**
   * The models this caller may call: model repos whose default branch holds
   * a servable GGUF file (private ones only for those who may read them,
   * gated ones only for those who may download them), then the upstream
   * routes that name one model (patterns with `*` cannot be listed).
   */
  async listModels(p: Principal): Promise<CallableModel[]> {
    const out: CallableModel[] = [];
    let cursor: string | undefined;
    let seen = 0;
    do {
      const page = await this.listing.list(p, {
        type: "model",
        search: [],
        tags: [],
        sort: "id",
        direction: 1,
        limit: 100,
        withSiblings: true,
        withConfig: false,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      for (const item of page.items) {
        // The same rules as calling it (`resolve`): its files readable, and the token allowed to run it.
        if (!hasServableGguf(item.siblings ?? []) || !canInfer(p, item.repo.row) || !(await this.files.mayReadContent(p, item.repo))) continue;
        out.push({ id: item.repo.id, created: unixSeconds(item.repo.row.created_at), ownedBy: item.repo.row.namespace });
      }
      seen += page.items.length;
      cursor = page.nextCursor;
    } while (cursor !== undefined && seen < maxListedRepos);
    for (const route of this.config.upstreams) {
      if (route.pattern.includes("*") || (route.access === "authenticated" && p.kind === "anonymous")) continue;
      out.push({ id: route.pattern, created: 0, ownedBy: "upstream" });
    }
    return out;
  }

  /** Loaded models and settings; for admins only (it names every repo that was called). */
  status(p: Principal): InferenceStatus {
    if (p.kind === "anonymous") throw new DomainError("Unauthenticated", "Authentication required");
    if (!p.isAdmin) throw new DomainError("PermissionDenied", "Only administrators may see the inference status");
    const models = this.localStatus();
    return {
      settings: {
        threads: this.threads(),
        parallel: this.config.inferenceParallel,
        contextSize: this.config.inferenceContextSize,
        memoryBudgetBytes: this.memoryBudget(),
        idleTimeoutSeconds: this.config.inferenceIdleTimeout,
        maxQueue: this.config.inferenceQueue,
        gpu: this.config.inferenceGpu,
      },
      memoryUsedBytes: models.reduce((sum, m) => sum + m.memoryBytes, 0),
      models,
      upstreams: this.config.upstreams.map((u) => ({ pattern: u.pattern, baseURL: u.baseURL, access: u.access })),
    };
  }

  /** The local engine, once started (tests reach its workers through it). */
  localEngine(): Promise<LocalEngine> {
    if (this.disposed) return Promise.reject(new DomainError("Unavailable", "The hub is shutting down"));
    this.local ??= LocalEngine.create({
      threads: this.threads(),
      parallel: this.config.inferenceParallel,
      contextSize: this.config.inferenceContextSize,
      memoryBudget: this.memoryBudget(),
      idleTimeoutMs: this.config.inferenceIdleTimeout * 1000,
      maxQueue: this.config.inferenceQueue,
      gpu: this.config.inferenceGpu === "off" ? false : "auto",
      log: this.log,
      metrics: this.metrics,
    }).then((engine) => (this.startedLocal = engine));
    return this.local;
  }

  /** Stops every model worker; idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const engines = await Promise.allSettled([this.local, this.upstream].filter((e) => e !== undefined));
    await Promise.all(engines.map((e) => (e.status === "fulfilled" ? e.value.dispose() : undefined)));
  }

  private upstreamEngine(): Promise<UpstreamEngine> {
    this.upstream ??= UpstreamEngine.create({ log: this.log });
    return this.upstream;
  }

  private localStatus(): LoadedModelStatus[] {
    return this.startedLocal?.status() ?? [];
  }

  private countTokens(model: string, prompt: number, completion: number): void {
    if (prompt > 0) this.metrics.promptTokens.inc({ model }, prompt);
    if (completion > 0) this.metrics.completionTokens.inc({ model }, completion);
  }

  /**
   * A path on local disk holding the file, for node-llama-cpp to map. LFS
   * objects in the filesystem blob store are used where they lie; other
   * stores (S3) and small files kept in git are copied once into
   * `<data>/models-cache/`, named by content id.
   */
  private localPath(d: FileDownload): Promise<string> {
    let p = this.localPaths.get(d.etag);
    if (!p) {
      p = this.materialize(d);
      p.catch(() => this.localPaths.delete(d.etag));
      this.localPaths.set(d.etag, p);
    }
    return p;
  }

  private async materialize(d: FileDownload): Promise<string> {
    const body = await d.open();
    if (body instanceof ReadStream && typeof body.path === "string") {
      body.destroy();
      return path.resolve(body.path);
    }
    const target = path.join(this.cacheDir, `${d.etag}.gguf`);
    const existing = await stat(target).catch(() => undefined);
    if (existing?.size === d.size) {
      if (body instanceof Readable) body.destroy();
      return target;
    }
    await mkdir(this.cacheDir, { recursive: true });
    const tmp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await pipeline(body instanceof Readable ? body : Readable.from([body]), createWriteStream(tmp));
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return target;
  }
}

function modelNotFound(id: string): DetailedError {
  const shown = id.length > 200 ? `${id.slice(0, 200)}…` : id;
  return new DetailedError("NotFound", `The model \`${shown}\` does not exist or you do not have access to it.`, { apiCode: "model_not_found" });
}

function labelOf(target: InferenceTarget): string {
  return target.kind === "local" ? metricModelLabel(target.model.key) : `upstream:${target.upstream.route.pattern}`;
}

function unixSeconds(iso: string): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}

/** A fine-grained token without the inference permission for this model (a read or write token always has it). */
function inferenceDenied(id: string): DetailedError {
  return new DetailedError("PermissionDenied", `This fine-grained token may not run \`${id}\`: it needs inference.serverless.write on it`);
}
