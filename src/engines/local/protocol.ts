import type { EmbeddingRequest, GenerationEvent, GenerationRequest } from "../engine.js";

/**
 * Messages between the hub and a model worker process (`worker.ts`), sent
 * over the `fork` IPC channel with the "advanced" (structured clone)
 * serialization, so typed arrays travel as they are. Every request carries an
 * id; the worker answers each with events and exactly one `done` or `failed`.
 */

export interface WorkerLoadOptions {
  /** Absolute path of a GGUF file already validated by `inspectGguf`. */
  file: string;
  kind: "text-generation" | "embedding";
  /** CPU threads for the whole process (`getLlama({maxThreads})`) and each context. */
  threads: number;
  /** Parallel sequences of the generation context (or embedding contexts). */
  parallel: number;
  /** Tokens per sequence; capped at the model's training context. */
  contextSize: number;
  /** `false` forces the CPU; `"auto"` uses a GPU when one and its binaries are present. */
  gpu: false | "auto";
}

/** What a worker can prepare before it knows its model: the native runtime. */
export type WorkerInitOptions = Pick<WorkerLoadOptions, "threads" | "gpu">;

export type HubToWorker =
  | { type: "init"; options: WorkerInitOptions }
  | { type: "load"; options: WorkerLoadOptions }
  | { type: "generate"; id: number; request: GenerationRequest }
  | { type: "embed"; id: number; request: EmbeddingRequest }
  | { type: "abort"; id: number }
  | { type: "shutdown" };

export interface LoadedInfo {
  /** Bytes of weights plus context state, as node-llama-cpp reports them. */
  memoryBytes: number;
  /** Tokens per sequence actually allocated. */
  contextSize: number;
  trainContextSize: number;
  /** Name of the chat wrapper resolved from the GGUF's template (generation models). */
  chatWrapper?: string;
  /** Embedding width (embedding models). */
  embeddingLength?: number;
  loadMs: number;
}

/** Error categories the worker reports; the hub turns them into `DomainError` kinds. */
export type WorkerErrorKind = "InvalidArgument" | "Internal";

export type WorkerToHub =
  | { type: "ready" }
  | { type: "loaded"; info: LoadedInfo }
  | { type: "loadFailed"; message: string }
  | { type: "event"; id: number; event: GenerationEvent }
  | { type: "embedded"; id: number; vectors: Float32Array[]; promptTokens: number }
  | { type: "done"; id: number }
  | { type: "failed"; id: number; kind: WorkerErrorKind; message: string; param?: string }
  | { type: "log"; level: "warn" | "error" | "info"; message: string };
