import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { GenerationEvent, GenerationRequest } from "../src/engines/engine.js";
import { InferenceMetrics } from "../src/engines/inference-metrics.js";
import { LocalEngine, type LocalEngineOptions, type LocalModel } from "../src/engines/local/local-engine.js";
import { estimateModelMemory } from "../src/engines/local/memory.js";
import { DomainError } from "../src/lib/domain-error.js";
import { inspectGguf, writeBrokenLlama, writeRandomLlama, writeScriptedLlama } from "../src/lib/gguf/index.js";
import { MetricsRegistry } from "../src/lib/metrics.js";

/**
 * The local engine on its own: supervision of worker processes, validation
 * before native code, the memory budget and idle eviction.
 */
describe("local engine (node-llama-cpp in worker processes)", () => {
  let dir: string;
  let hello: LocalModel;
  let goodbye: LocalModel;
  let duplicateToken: LocalModel;
  let large: LocalModel;
  /** The engines the tests share: starting a worker is the slow part, so both start (and warm a spare) up front. */
  let shared: LocalEngine;
  let budgeted: LocalEngine;
  const metrics = new InferenceMetrics(new MetricsRegistry());
  const engines: LocalEngine[] = [];
  const quiet = { info() {}, warn() {}, error() {} };
  const chat = (content = "Hi"): GenerationRequest => ({
    input: { kind: "chat", messages: [{ role: "user", content }] },
    n: 1,
    sampling: { stop: [], temperature: 0 },
    format: { type: "text" },
  });

  async function model(name: string, write: (file: string) => Promise<void>): Promise<LocalModel> {
    const file = path.join(dir, `${name}.gguf`);
    await write(file);
    return { key: name, file, size: (await stat(file)).size, label: name };
  }

  async function engine(overrides: Partial<LocalEngineOptions> = {}): Promise<LocalEngine> {
    const e = await LocalEngine.create({
      threads: 1, parallel: 2, contextSize: 1024, memoryBudget: 0, idleTimeoutMs: 0, maxQueue: 4, gpu: false, log: quiet, ...overrides,
    });
    engines.push(e);
    return e;
  }

  async function text(e: LocalEngine, m: LocalModel, request = chat()): Promise<string> {
    let out = "";
    for await (const ev of e.generate(m, request, new AbortController().signal)) if (ev.type === "text") out += ev.text;
    return out;
  }

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "modelport-engine-"));
    hello = await model("hello", (f) => writeScriptedLlama(f));
    goodbye = await model("goodbye", (f) => writeScriptedLlama(f, { answer: "Goodbye now." }));
    duplicateToken = await model("duplicate-token", (f) => writeBrokenLlama(f, "duplicate-token"));
    large = await model("large", (f) => writeRandomLlama(f, { type: "F16", embd: 256, layers: 4, contextLength: 1024, seed: 1 }));
    shared = await engine({ metrics, idleTimeoutMs: 500 });
    // Room for goodbye's estimate, but not for it next to a loaded hello.
    const needed = estimateModelMemory(goodbye.size, await inspectGguf(goodbye.file), 2, 1024);
    budgeted = await engine({ memoryBudget: needed + 1024 });
  });
  after(async () => {
    await Promise.all(engines.map((e) => e.dispose()));
    await rm(dir, { recursive: true, force: true });
  });

  test("a worker that crashes fails its request cleanly; the next request loads the model again", async () => {
    const e = shared;
    // A random-weight model generating up to 2000 tokens: seconds of work, killed after its first token.
    const long: GenerationRequest = { input: { kind: "completion", prompt: "Once" }, n: 1, sampling: { stop: [], maxTokens: 2000, temperature: 0 }, format: { type: "text" } };
    let first: ReturnType<LocalEngine["workerOf"]>;
    const running = (async () => {
      for await (const ev of e.generate(large, long, new AbortController().signal)) {
        if (ev.type === "text" && !first) {
          first = e.workerOf("large")!;
          first.kill("SIGKILL");
        }
      }
    })();
    await assert.rejects(running, (err: unknown) => err instanceof DomainError && err.kind === "Unavailable" && /stopped unexpectedly/.test(err.message));
    await first!.exited;

    let tokens = 0;
    for await (const ev of e.generate(large, { ...long, sampling: { ...long.sampling, maxTokens: 3 } }, new AbortController().signal)) {
      if (ev.type === "usage") tokens = ev.completionTokens;
    }
    assert.equal(tokens, 3);
    assert.notEqual(e.workerOf("large")!.pid, first!.pid);
    assert.match(metrics.registry.render(), /^modelport_inference_worker_crashes_total 1$/m);
  });

  test("a GGUF that would abort llama.cpp is refused in JS before any worker sees it", async () => {
    const e = shared;
    for (let i = 0; i < 2; i++) {
      await assert.rejects(text(e, duplicateToken), (err: unknown) => err instanceof DomainError && err.kind === "InvalidArgument");
    }
    assert.ok(!e.status().some((m) => m.key === "duplicate-token"));
  });

  test("loading a model unloads idle ones, least recently used first, to stay within the memory budget", async () => {
    const e = budgeted;
    assert.equal(await text(e, hello), "Hello world!");
    assert.deepEqual(e.status().map((m) => m.key), ["hello"]);
    assert.equal(await text(e, goodbye), "Goodbye now.");
    assert.deepEqual(e.status().map((m) => m.key), ["goodbye"]);

    // A model that needs more than the whole budget is refused, and nothing is unloaded for it.
    await assert.rejects(text(e, large), (err: unknown) => err instanceof DomainError && err.kind === "Unprocessable" && /budget/.test(err.message));
    assert.deepEqual(e.status().map((m) => m.key), ["goodbye"]);
  });

  test("an idle model is unloaded after the idle timeout", async () => {
    const e = shared;
    assert.equal(await text(e, hello), "Hello world!");
    const worker = e.workerOf("hello")!;
    await worker.exited;
    assert.ok(!e.status().some((m) => m.key === "hello"));
    assert.match(metrics.registry.render(), /^modelport_inference_model_evictions_total\{reason="idle"\} \d+$/m);
  });

  test("n larger than the parallel sequences is a 400 before anything loads", async () => {
    await assert.rejects(text(shared, goodbye, { ...chat(), n: 3 }), (err: unknown) => err instanceof DomainError && err.kind === "InvalidArgument");
    assert.ok(!shared.status().some((m) => m.key === "goodbye"));
  });
});
