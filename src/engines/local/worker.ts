/**
 * The model worker: a child process (forked by `worker-process.ts`) that
 * loads one GGUF model with node-llama-cpp and serves the hub's requests over
 * IPC. A native crash (a GGML_ASSERT aborts the whole process) takes down
 * only this process; the hub fails its in-flight requests and reloads on the
 * next one. The worker exits when the hub disconnects.
 */
import { getLlama, type Llama, LlamaLogLevel, resolveChatWrapper } from "node-llama-cpp";
import type { GenerationEvent } from "../engine.js";
import { EmbeddingRuntime } from "./embedding-runtime.js";
import { GenerationRuntime } from "./generation-runtime.js";
import type { HubToWorker, LoadedInfo, WorkerInitOptions, WorkerLoadOptions, WorkerToHub } from "./protocol.js";
import { WorkerRequestError } from "./worker-errors.js";

// node-llama-cpp tests its native binary in a child process forked with this process's `execArgv`; that
// child is plain JavaScript, so it need not load the TypeScript loader this worker may run under (tests).
process.execArgv.splice(0, process.execArgv.length);

let llama: Llama | undefined;
let runtime: GenerationRuntime | EmbeddingRuntime | undefined;
const running = new Map<number, AbortController>();

function send(message: WorkerToHub): void {
  if (process.connected) process.send!(message);
}

/** Starts the native runtime (the slow part of a load: ~2 s, as node-llama-cpp tests its binary in a child process). */
async function init(options: WorkerInitOptions): Promise<Llama> {
  llama ??= await getLlama({
    gpu: options.gpu,
    build: "never",
    skipDownload: true,
    progressLogs: false,
    // Threads are always pinned: node-llama-cpp's default oversubscribes small machines (serving.md §0.4).
    maxThreads: options.threads,
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      const text = message.trim();
      if (text === "") return;
      send({ type: "log", level: level === LlamaLogLevel.error || level === LlamaLogLevel.fatal ? "error" : "warn", message: text });
    },
  });
  return llama;
}

async function load(options: WorkerLoadOptions): Promise<LoadedInfo> {
  const started = performance.now();
  const llama = await init(options);
  const model = await llama.loadModel({ modelPath: options.file });
  const contextSize = Math.max(32, Math.min(options.contextSize, model.trainContextSize || options.contextSize));
  if (options.kind === "embedding") {
    const contexts = [];
    for (let i = 0; i < options.parallel; i++) contexts.push(await model.createEmbeddingContext({ contextSize, threads: options.threads }));
    runtime = new EmbeddingRuntime(model, contexts, contextSize);
    return {
      memoryBytes: model.size + contexts.length * estimateStateBytes(contextSize, model.embeddingVectorSize),
      contextSize,
      trainContextSize: model.trainContextSize,
      embeddingLength: model.embeddingVectorSize,
      loadMs: performance.now() - started,
    };
  }
  const context = await model.createContext({ sequences: options.parallel, contextSize, threads: options.threads });
  const chatWrapper = resolveChatWrapper(model);
  runtime = new GenerationRuntime(llama, model, context, chatWrapper);
  return {
    memoryBytes: model.size + context.stateSize,
    contextSize: context.contextSize,
    trainContextSize: model.trainContextSize,
    chatWrapper: chatWrapper.wrapperName,
    loadMs: performance.now() - started,
  };
}

/** Embedding contexts do not report their state size; a rough figure for the memory budget. */
function estimateStateBytes(contextSize: number, width: number): number {
  return contextSize * width * 4 * 2;
}

async function run(id: number, work: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    await work(controller.signal);
    send({ type: "done", id });
  } catch (err) {
    if (controller.signal.aborted) send({ type: "done", id });
    else if (err instanceof WorkerRequestError) send({ type: "failed", id, kind: err.kind, message: err.message, ...(err.param ? { param: err.param } : {}) });
    else send({ type: "failed", id, kind: "Internal", message: err instanceof Error ? err.message : String(err) });
  } finally {
    running.delete(id);
  }
}

process.on("message", (message: HubToWorker) => {
  switch (message.type) {
    case "init":
      init(message.options).then(
        () => send({ type: "ready" }),
        (err: unknown) => {
          send({ type: "loadFailed", message: err instanceof Error ? err.message : String(err) });
          setImmediate(() => process.exit(1));
        },
      );
      break;
    case "load":
      load(message.options).then(
        (info) => send({ type: "loaded", info }),
        (err: unknown) => {
          send({ type: "loadFailed", message: err instanceof Error ? err.message : String(err) });
          setImmediate(() => process.exit(1));
        },
      );
      break;
    case "generate":
      void run(message.id, async (signal) => {
        if (!(runtime instanceof GenerationRuntime)) throw new WorkerRequestError("InvalidArgument", "This model generates embeddings, not text", "model");
        await runtime.generate(message.request, signal, (event: GenerationEvent) => {
          if (!signal.aborted) send({ type: "event", id: message.id, event });
        });
      });
      break;
    case "embed":
      void run(message.id, async (signal) => {
        if (!(runtime instanceof EmbeddingRuntime)) throw new WorkerRequestError("InvalidArgument", "This model generates text, not embeddings", "model");
        const { vectors, promptTokens } = await runtime.embed(message.request, signal);
        send({ type: "embedded", id: message.id, vectors, promptTokens });
      });
      break;
    case "abort":
      running.get(message.id)?.abort(new Error("aborted by the client"));
      break;
    case "shutdown":
      for (const c of running.values()) c.abort(new Error("model unloading"));
      void (llama?.dispose() ?? Promise.resolve()).finally(() => process.exit(0));
      break;
  }
});

// The hub went away (or closed the channel): nothing left to serve.
process.on("disconnect", () => process.exit(0));
