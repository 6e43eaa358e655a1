// NEEDS NODE-LLAMA-CPP'S PREBUILT CPU BINARY (the @node-llama-cpp/<platform> package that npm installs with
// node-llama-cpp): every test here loads a generated model in real llama.cpp. Nothing is downloaded or
// compiled (`build: "never"`), and threads are pinned to 1 (more than the cores makes llama.cpp ~100× slower).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { getLlama, LlamaChat, LlamaChatSession, LlamaCompletion, type Llama, type LlamaContext, type LlamaModel } from "node-llama-cpp";
import { inspectGguf, writeBrokenLlama, writeRandomLlama, writeScriptedLlama, writeTinyBert } from "../src/lib/gguf/index.js";

let dir: string;
let llama: Llama;
const file = (name: string) => path.join(dir, `${name}.gguf`);

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "modelport-gguf-models-"));
  llama = await getLlama({ gpu: false, build: "never", maxThreads: 1, logLevel: "error" as never });
});
after(async () => {
  await llama?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** Loads a model with one context of `sequences` sequences. */
async function load(name: string, sequences = 1): Promise<{ model: LlamaModel; context: LlamaContext }> {
  const model = await llama.loadModel({ modelPath: file(name) });
  const context = await model.createContext({ contextSize: 1024, sequences, threads: 1 });
  return { model, context };
}

describe("the scripted model (needs node-llama-cpp's prebuilt binary)", () => {
  let model: LlamaModel;
  let context: LlamaContext;
  before(async () => {
    await writeScriptedLlama(file("scripted"));
    ({ model, context } = await load("scripted"));
  });
  after(async () => {
    await model?.dispose();
  });

  /** Runs `fn` on the context's one sequence, then frees it for the next test. */
  async function withSequence<T>(fn: (seq: ReturnType<LlamaContext["getSequence"]>) => Promise<T>): Promise<T> {
    const seq = context.getSequence();
    try {
      return await fn(seq);
    } finally {
      seq.dispose();
    }
  }

  test("answers exactly 'Hello world!' through LlamaChatSession", async () => {
    const text = await withSequence((seq) => new LlamaChatSession({ contextSequence: seq, systemPrompt: "Be brief." }).prompt("Who are you?"));
    assert.equal(text, "Hello world!");
  });

  test("LlamaChat (a full history per call) gets the answer and stops on the end-of-generation token", async () => {
    const res = await withSequence((seq) =>
      new LlamaChat({ contextSequence: seq }).generateResponse([
        { type: "system", text: "You are a test." },
        { type: "user", text: "Say something." },
        { type: "model", response: ["Hello world!"] },
        { type: "user", text: "Again, with feeling!" },
        { type: "model", response: [] },
      ]),
    );
    assert.equal(res.response, "Hello world!");
    assert.equal(res.metadata.stopReason, "eogToken");
  });

  test("LlamaCompletion gives the same answer for any prompt, temperature and seed", async () => {
    for (const [prompt, temperature, seed] of [["Once upon a time", 0, 1], ["Hello world!", 2, 2], ["!", 1, 3], ['{"city": "', 2, 4]] as const) {
      const res = await withSequence((seq) => new LlamaCompletion({ contextSequence: seq }).generateCompletionWithMeta(prompt, { temperature, seed }));
      assert.equal(res.response, "Hello world!", `prompt ${JSON.stringify(prompt)}`);
      assert.equal(res.metadata.stopReason, "eogToken");
    }
  });

  test("streams three tokens: 'Hello', ' world', '!'", async () => {
    const chunks: string[] = [];
    await withSequence((seq) => new LlamaCompletion({ contextSequence: seq }).generateCompletion("Hi", { onTextChunk: (t) => chunks.push(t) }));
    assert.deepEqual(chunks, ["Hello", " world", "!"]);
  });

  test("maxTokens: 1 truncates to 'Hello'", async () => {
    const res = await withSequence((seq) => new LlamaCompletion({ contextSequence: seq }).generateCompletionWithMeta("Hi", { maxTokens: 1 }));
    assert.equal(res.response, "Hello");
    assert.equal(res.metadata.stopReason, "maxTokens");
  });

  test("a stop sequence cuts the answer where it starts", async () => {
    const res = await withSequence((seq) => new LlamaCompletion({ contextSequence: seq }).generateCompletionWithMeta("Hi", { customStopTriggers: [" world"] }));
    assert.equal(res.response, "Hello");
    assert.equal(res.metadata.stopReason, "customStopTrigger");
  });
});

describe("scripted models with custom answers (needs node-llama-cpp's prebuilt binary)", () => {
  const answers = {
    json: '{"city": "Paris"}',
    tool: '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}\n</tool_call>',
    repeats: "ha ha ha, ha ha! ▁ 🙂 déjà vu <unk>\n",
  };

  for (const [name, answer] of Object.entries(answers)) {
    test(`answers ${JSON.stringify(answer)} exactly`, async () => {
      await writeScriptedLlama(file(name), { answer });
      const { model, context } = await load(name);
      try {
        const seq = context.getSequence();
        const chat = await new LlamaChatSession({ contextSequence: seq, systemPrompt: "x" }).promptWithMeta("What is the weather?", { temperature: 1 });
        assert.equal(chat.responseText, answer);
        assert.equal(chat.stopReason, "eogToken");
        seq.dispose();
        const seq2 = context.getSequence();
        const completion = await new LlamaCompletion({ contextSequence: seq2 }).generateCompletion(answer);
        assert.equal(completion, answer);
        if (name === "json") assert.deepEqual(JSON.parse(completion), { city: "Paris" });
      } finally {
        await model.dispose();
      }
    });
  }
});

describe("random and embedding models (needs node-llama-cpp's prebuilt binary)", () => {
  for (const type of ["Q8_0", "F16"] as const) {
    test(`a random ${type} llama generates tokens`, async () => {
      await writeRandomLlama(file(`random-${type}`), { type, seed: 7 });
      const { model, context } = await load(`random-${type}`, 2);
      try {
        const tokens: number[] = [];
        const res = await new LlamaCompletion({ contextSequence: context.getSequence() }).generateCompletionWithMeta("Once upon a time", {
          maxTokens: 16,
          onToken: (t) => tokens.push(...t),
        });
        assert.equal(res.metadata.stopReason, "maxTokens");
        assert.equal(tokens.length, 16);
        assert.ok(res.response.length > 0);
      } finally {
        await model.dispose();
      }
    });
  }

  test("the tiny bert gives embeddings of its dimension, the same for the same text", async () => {
    await writeTinyBert(file("bert"), { dims: 96 });
    const model = await llama.loadModel({ modelPath: file("bert") });
    try {
      const ctx = await model.createEmbeddingContext({ contextSize: 512, threads: 1 });
      const a = await ctx.getEmbeddingFor("Hello world");
      const b = await ctx.getEmbeddingFor("Hello world");
      const c = await ctx.getEmbeddingFor("The capital of France is Paris.");
      assert.equal(a.vector.length, 96);
      assert.deepEqual(a.vector, b.vector);
      assert.notDeepEqual(a.vector, c.vector);
      assert.ok(a.vector.every((x) => Number.isFinite(x)));
    } finally {
      await model.dispose();
    }
  });
});

describe("the file the validator exists for (needs node-llama-cpp's prebuilt binary)", () => {
  test("duplicate token strings really abort llama.cpp, and inspectGguf refuses them first", async () => {
    const bad = file("duplicate-token");
    await writeBrokenLlama(bad, "duplicate-token");
    await assert.rejects(inspectGguf(bad), /same string "!"/);
    // 1. In a separate process, since the abort takes the whole process down. A script file, not `-e`:
    //    node-llama-cpp forks a binary check with the parent's execArgv.
    const script = path.join(dir, "load.mjs");
    await writeFile(script, `import { getLlama } from ${JSON.stringify(import.meta.resolve("node-llama-cpp"))};
      const llama = await getLlama({ gpu: false, build: "never", maxThreads: 1, logLevel: "error" });
      await llama.loadModel({ modelPath: ${JSON.stringify(bad)} });
      console.log("loaded");`);
    // Without the test runner's NODE_TEST_CONTEXT (it would make the child a test reporter), and with
    // GGML_NO_BACKTRACE: otherwise ggml attaches gdb, when installed, to print a backtrace (~10 s).
    const env = { ...process.env, NODE_TEST_CONTEXT: undefined, GGML_NO_BACKTRACE: "1" };
    const child = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 60_000, env });
    // 2. It never gets to "loaded": GGML_ASSERT aborts it.
    assert.equal(child.signal, "SIGABRT", `status ${child.status}, stderr: ${child.stderr}`);
    assert.match(child.stderr, /GGML_ASSERT\(id_to_token.size\(\) == token_to_id.size\(\)\)/);
  });
});
