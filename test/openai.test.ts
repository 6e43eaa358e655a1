import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import OpenAI, { APIError } from "openai";
import { startHub, type TestHub } from "./support/hub.js";
import { makeGguf, publishModel } from "./support/gguf-models.js";

/**
 * The OpenAI-compatible API end to end: generated GGUF models published with
 * the official Hub client, called with the official `openai` npm client.
 * One hub and a handful of tiny models serve the whole file; each model loads
 * once (threads pinned to 1).
 */
describe("OpenAI API with the official openai client", () => {
  let hub: TestHub;
  let alice: string;
  let bob: string;
  let ai: OpenAI;
  const hi = [{ role: "user" as const, content: "Hi" }];

  before(async () => {
    hub = await startHub({ inferenceThreads: 1, inferenceGpu: "off", inferenceContextSize: 2048, inferenceParallel: 4 });
    // Starts the engine's first worker while the models are generated and published.
    await hub.hub.services.inference.localEngine();
    alice = await hub.user("alice", { admin: true });
    bob = await hub.user("bob");
    const scripted = await makeGguf({ kind: "scripted" });
    const json = await makeGguf({ kind: "scripted", answer: '{"name": "Ada", "age": 36}' });
    await publishModel(hub, alice, "alice/scripted", { "scripted-Q8_0.gguf": scripted, "README.md": Buffer.from("# scripted\n") });
    await publishModel(hub, alice, "alice/json", { "json.gguf": json });
    await publishModel(hub, alice, "alice/tool", { "tool.gguf": await makeGguf({ kind: "scripted", answer: "||call: get_weather" }) });
    await publishModel(hub, alice, "alice/bert", { "bert-F16.gguf": await makeGguf({ kind: "bert" }) });
    // The same bytes as alice/scripted: one loaded model serves both.
    await publishModel(hub, alice, "alice/secret", { "model.gguf": scripted }, { private: true });
    // Two quantizations of "one model": owner/name picks Q8_0 (here the scripted bytes) over Q4_K_M.
    await publishModel(hub, alice, "alice/multi", { "multi-Q4_K_M.gguf": json, "multi-Q8_0.gguf": scripted });
    await publishModel(hub, alice, "alice/broken", { "broken.gguf": await makeGguf({ kind: "broken", flaw: "truncated" }) });
    await publishModel(hub, alice, "alice/no-gguf", { "config.json": Buffer.from("{}") });
    ai = new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: alice, maxRetries: 0 });
  });
  after(async () => {
    await hub?.close();
  });

  test("models.list names the GGUF models the caller may call, and no other repo", async () => {
    const ids = (await ai.models.list()).data.map((m) => m.id);
    assert.deepEqual(ids, ["alice/bert", "alice/broken", "alice/json", "alice/multi", "alice/scripted", "alice/secret", "alice/tool"]);
    const asBob = new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: bob, maxRetries: 0 });
    assert.ok(!(await asBob.models.list()).data.some((m) => m.id === "alice/secret"));
    const one = await ai.models.retrieve("alice/scripted");
    assert.equal(one.id, "alice/scripted");
    assert.equal(one.owned_by, "alice");
  });

  test("chat: the scripted model answers, with finish_reason stop and usage", async () => {
    const res = await ai.chat.completions.create({ model: "alice/scripted", messages: hi });
    assert.match(res.id, /^chatcmpl-/);
    assert.equal(res.object, "chat.completion");
    assert.equal(res.model, "alice/scripted");
    assert.equal(res.choices.length, 1);
    assert.equal(res.choices[0]!.message.role, "assistant");
    assert.equal(res.choices[0]!.message.content, "Hello world!");
    assert.equal(res.choices[0]!.finish_reason, "stop");
    assert.ok(res.usage!.prompt_tokens > 0);
    assert.ok(res.usage!.completion_tokens >= 3);
    assert.equal(res.usage!.total_tokens, res.usage!.prompt_tokens + res.usage!.completion_tokens);
  });

  test("chat stream: a role chunk first, the text, a finish chunk, then a usage chunk with no choices", async () => {
    const stream = await ai.chat.completions.create({
      model: "alice/scripted",
      messages: hi,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    assert.equal(chunks[0]!.choices[0]!.delta.role, "assistant");
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), "Hello world!");
    const finish = chunks.at(-2)!;
    assert.equal(finish.choices[0]!.finish_reason, "stop");
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage!.completion_tokens >= 3);
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null && c.object === "chat.completion.chunk" && c.id === last.id));
  });

  test("stop: the output ends before the stop sequence, which is not included", async () => {
    const res = await ai.chat.completions.create({ model: "alice/scripted", messages: hi, stop: [" world"] });
    assert.equal(res.choices[0]!.message.content, "Hello");
    assert.equal(res.choices[0]!.finish_reason, "stop");
    const streamed = await ai.chat.completions.create({ model: "alice/scripted", messages: hi, stop: "!", stream: true });
    let text = "";
    for await (const c of streamed) text += c.choices[0]?.delta.content ?? "";
    assert.equal(text, "Hello world");
  });

  test("max_tokens and max_completion_tokens cut the answer with finish_reason length", async () => {
    const res = await ai.chat.completions.create({ model: "alice/scripted", messages: hi, max_tokens: 2 });
    assert.equal(res.choices[0]!.message.content, "Hello world");
    assert.equal(res.choices[0]!.finish_reason, "length");
    assert.equal(res.usage!.completion_tokens, 2);
    const res2 = await ai.chat.completions.create({ model: "alice/scripted", messages: hi, max_completion_tokens: 1 });
    assert.equal(res2.choices[0]!.message.content, "Hello");
    assert.equal(res2.choices[0]!.finish_reason, "length");
  });

  test("n=2 gives two choices, generated on parallel sequences", async () => {
    const res = await ai.chat.completions.create({ model: "alice/scripted", messages: hi, n: 2, temperature: 0.7, seed: 42 });
    assert.deepEqual(res.choices.map((c) => c.index), [0, 1]);
    assert.ok(res.choices.every((c) => c.message.content === "Hello world!" && c.finish_reason === "stop"));
  });

  test("logprobs: each generated token with its log probability and the top alternatives", async () => {
    const res = await ai.chat.completions.create({ model: "alice/scripted", messages: hi, logprobs: true, top_logprobs: 2, temperature: 0 });
    const content = res.choices[0]!.logprobs!.content!;
    assert.equal(content.map((t) => t.token).join(""), "Hello world!");
    for (const t of content) {
      assert.ok(t.logprob <= 0 && t.logprob > -0.01, `${t.token}: the scripted model is sure of its answer`);
      assert.deepEqual(t.bytes, [...Buffer.from(t.token)]);
      assert.ok(t.top_logprobs.length >= 1 && t.top_logprobs.length <= 2);
      assert.equal(t.top_logprobs[0]!.token, t.token);
    }
  });

  test("response_format json_schema: the answer parses and matches the schema", async () => {
    const res = await ai.chat.completions.create({
      model: "alice/json",
      messages: [{ role: "user", content: "Who?" }],
      temperature: 0,
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "person",
          strict: true,
          schema: { type: "object", properties: { name: { type: "string" }, age: { type: "integer" } }, required: ["name", "age"], additionalProperties: false },
        },
      },
    });
    assert.deepEqual(JSON.parse(res.choices[0]!.message.content!), { name: "Ada", age: 36 });
    const asObject = await ai.chat.completions.create({ model: "alice/json", messages: hi, response_format: { type: "json_object" } });
    assert.equal(typeof JSON.parse(asObject.choices[0]!.message.content!), "object");
  });

  test("response_format with a schema keyword grammars cannot enforce is a 400 naming it", async () => {
    await assert.rejects(
      ai.chat.completions.create({
        model: "alice/json",
        messages: hi,
        response_format: { type: "json_schema", json_schema: { name: "p", schema: { type: "object", properties: { name: { type: "string", pattern: "^A" } } } } },
      }),
      (err: APIError) => err.status === 400 && err.param === "response_format.json_schema.schema.properties.name.pattern" && /pattern/.test(err.message),
    );
  });

  // The scripted model answers "||call: get_weather", the function-call syntax of the ChatML wrapper
  // node-llama-cpp resolves from the GGUF's template; the arguments are then generated under the
  // grammar of the tool's parameter schema (a one-value enum, so the test does not depend on sampling).
  const weatherTool = {
    type: "function" as const,
    function: {
      name: "get_weather",
      description: "Current weather in a city",
      parameters: { type: "object", properties: { city: { type: "string", enum: ["Paris"] } }, required: ["city"] },
    },
  };

  test("tools: the model's call comes back as tool_calls with JSON arguments", async () => {
    const res = await ai.chat.completions.create({ model: "alice/tool", messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weatherTool] });
    const choice = res.choices[0]!;
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.message.content, null);
    const call = choice.message.tool_calls![0]!;
    assert.equal(call.type, "function");
    assert.match(call.id, /^call_/);
    assert.equal(call.type === "function" && call.function.name, "get_weather");
    assert.deepEqual(call.type === "function" && JSON.parse(call.function.arguments), { city: "Paris" });
  });

  test("tools in a stream: tool_calls deltas, then finish_reason tool_calls", async () => {
    const stream = await ai.chat.completions.create({ model: "alice/tool", messages: [{ role: "user", content: "Weather?" }], tools: [weatherTool], stream: true });
    let name = "";
    let args = "";
    let finish: string | null = null;
    for await (const c of stream) {
      for (const d of c.choices[0]?.delta.tool_calls ?? []) {
        name += d.function?.name ?? "";
        args += d.function?.arguments ?? "";
      }
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(name, "get_weather");
    assert.deepEqual(JSON.parse(args), { city: "Paris" });
    assert.equal(finish, "tool_calls");
  });

  test("completions: a prompt string, and a prompt array (one choice per prompt)", async () => {
    const one = await ai.completions.create({ model: "alice/scripted", prompt: "Once upon a time" });
    assert.equal(one.object, "text_completion");
    assert.equal(one.choices[0]!.text, "Hello world!");
    assert.equal(one.choices[0]!.finish_reason, "stop");
    const two = await ai.completions.create({ model: "alice/scripted", prompt: ["a", "b"], max_tokens: 1 });
    assert.deepEqual(two.choices.map((c) => [c.index, c.text, c.finish_reason]), [[0, "Hello", "length"], [1, "Hello", "length"]]);
    assert.equal(two.usage!.completion_tokens, 2);
  });

  test("completions stream", async () => {
    const stream = await ai.completions.create({ model: "alice/scripted", prompt: "x", stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage;
    for await (const c of stream) {
      text += c.choices[0]?.text ?? "";
      usage = c.usage ?? usage;
    }
    assert.equal(text, "Hello world!");
    assert.ok(usage!.completion_tokens >= 3);
  });

  test("embeddings: base64 (the client's default) and float give the same unit vectors, for a batch", async () => {
    const input = ["the cat sat", "a dog ran", "the cat sat"];
    const b64 = await ai.embeddings.create({ model: "alice/bert", input });
    const floats = await ai.embeddings.create({ model: "alice/bert", input, encoding_format: "float" });
    assert.equal(b64.data.length, 3);
    assert.ok(b64.usage.prompt_tokens > 0);
    for (let i = 0; i < 3; i++) {
      const a = b64.data[i]!.embedding;
      const b = floats.data[i]!.embedding;
      assert.equal(b64.data[i]!.index, i);
      assert.equal(a.length, b.length);
      assert.ok(a.every((x, j) => Math.abs(x - b[j]!) < 1e-6));
      assert.ok(Math.abs(Math.hypot(...a) - 1) < 1e-4, "unit length");
    }
    assert.deepEqual(b64.data[0]!.embedding, b64.data[2]!.embedding);
    assert.notDeepEqual(b64.data[0]!.embedding, b64.data[1]!.embedding);
  });

  test("8 concurrent streams all complete (4 sequences, the rest queued)", async () => {
    const texts = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const stream = await ai.chat.completions.create({ model: "alice/scripted", messages: [{ role: "user", content: `request ${i}` }], stream: true });
        let text = "";
        for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
        return text;
      }),
    );
    assert.deepEqual(texts, Array(8).fill("Hello world!"));
  });

  test("a private model is model_not_found for others, as if it did not exist", async () => {
    const asBob = new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: bob, maxRetries: 0 });
    await assert.rejects(asBob.chat.completions.create({ model: "alice/secret", messages: hi }), (err: APIError) => {
      assert.equal(err.status, 404);
      assert.equal(err.code, "model_not_found");
      assert.equal(err.type, "invalid_request_error");
      return true;
    });
    const anonymous = await fetch(`${hub.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "alice/secret", messages: hi }),
    });
    assert.equal(anonymous.status, 404);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, "model_not_found");
    const own = await ai.chat.completions.create({ model: "alice/secret", messages: hi });
    assert.equal(own.choices[0]!.message.content, "Hello world!");
  });

  test("anonymous callers may call public models", async () => {
    const res = await fetch(`${hub.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "alice/scripted", messages: hi }),
    });
    assert.equal(res.status, 200);
  });

  test("a broken GGUF fails its own request with a 400; the hub keeps serving", async () => {
    await assert.rejects(ai.chat.completions.create({ model: "alice/broken", messages: hi }), (err: APIError) => err.status === 400 && /GGUF|tensor|file/i.test(err.message));
    const res = await ai.chat.completions.create({ model: "alice/scripted", messages: hi });
    assert.equal(res.choices[0]!.message.content, "Hello world!");
  });

  test("owner/name picks the best quantization; :file and @rev name others", async () => {
    const best = await ai.chat.completions.create({ model: "alice/multi", messages: hi });
    assert.equal(best.choices[0]!.message.content, "Hello world!", "multi-Q8_0.gguf (the scripted bytes) was chosen");
    const q4 = await ai.chat.completions.create({ model: "alice/multi:multi-Q4_K_M.gguf", messages: hi, temperature: 0 });
    assert.equal(q4.choices[0]!.message.content, '{"name": "Ada", "age": 36}');
    const atMain = await ai.chat.completions.create({ model: "alice/scripted@main", messages: hi });
    assert.equal(atMain.choices[0]!.message.content, "Hello world!");
    await assert.rejects(ai.chat.completions.create({ model: "alice/scripted@v9", messages: hi }), (err: APIError) => err.status === 404 && err.code === "model_not_found");
    await assert.rejects(ai.chat.completions.create({ model: "alice/no-gguf", messages: hi }), (err: APIError) => err.status === 404 && err.code === "model_not_found");
    await assert.rejects(ai.chat.completions.create({ model: "alice/bert", messages: hi }), (err: APIError) => err.status === 400 && err.param === "model");
  });

  test("invalid fields are a 400 in the OpenAI shape; unknown fields are ignored", async () => {
    await assert.rejects(
      ai.chat.completions.create({ model: "alice/scripted", messages: hi, temperature: 5 }),
      (err: APIError) => err.status === 400 && err.param === "temperature" && err.type === "invalid_request_error",
    );
    await assert.rejects(ai.chat.completions.create({ model: "alice/scripted", messages: [] }), (err: APIError) => err.status === 400 && err.param === "messages");
    const res = await fetch(`${hub.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "alice/scripted", messages: hi, some_future_option: { x: 1 }, user: "u-1" }),
    });
    assert.equal(res.status, 200);
  });

  test("/metrics counts requests and tokens; the status page is for admins", async () => {
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    assert.match(metrics, /^modelport_inference_requests_total\{endpoint="chat",outcome="ok"\} \d+$/m);
    assert.match(metrics, /^modelport_inference_completion_tokens_total\{model="[0-9a-f]{12}"\} \d+$/m);
    assert.match(metrics, /^modelport_inference_queue_depth\{model="[0-9a-f]{12}"\} 0$/m);
    assert.match(metrics, /^modelport_inference_model_load_seconds_count \d+$/m);
    assert.ok(!metrics.includes("alice/"), "metrics name no repos");

    const status = await fetch(`${hub.url}/api/inference/status`, { headers: { authorization: `Bearer ${alice}` } });
    const body = (await status.json()) as { settings: { threads: number }; models: { labels: string[]; memoryBytes: number; pid: number }[] };
    assert.equal(body.settings.threads, 1);
    const scripted = body.models.find((m) => m.labels.includes("alice/scripted:scripted-Q8_0.gguf"))!;
    assert.ok(scripted.labels.includes("alice/secret:model.gguf"), "same bytes, one loaded model");
    assert.ok(scripted.memoryBytes > 0 && scripted.pid > 0);
    const forBob = await fetch(`${hub.url}/api/inference/status`, { headers: { authorization: `Bearer ${bob}` } });
    assert.equal(forBob.status, 403);
  });
});

/**
 * One sequence and a queue of one, with a model slow enough (a random-weight
 * llama generating up to 4000 tokens, several seconds) to hold its sequence
 * while the test looks at the queue.
 */
describe("a busy model: bounded queue and client aborts", () => {
  let hub: TestHub;
  let alice: string;
  let ai: OpenAI;
  const long = { model: "alice/slow", messages: [{ role: "user" as const, content: "Go on" }], max_tokens: 4000, temperature: 0 };

  before(async () => {
    hub = await startHub({ inferenceThreads: 1, inferenceGpu: "off", inferenceParallel: 1, inferenceQueue: 1, inferenceContextSize: 4096 });
    await hub.hub.services.inference.localEngine();
    alice = await hub.user("alice", { admin: true });
    await publishModel(hub, alice, "alice/slow", { "slow-F16.gguf": await makeGguf({ kind: "random", type: "F16", embd: 256, layers: 4, contextLength: 4096 }) });
    ai = new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: alice, maxRetries: 0 });
  });
  after(async () => {
    await hub?.close();
  });

  async function loaded(): Promise<{ busySequences: number; queuedRequests: number }> {
    const res = await fetch(`${hub.url}/api/inference/status`, { headers: { authorization: `Bearer ${alice}` } });
    return ((await res.json()) as { models: { busySequences: number; queuedRequests: number }[] }).models[0]!;
  }

  async function until(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(await check(), "condition reached in time");
  }

  test("when the sequence is busy and the queue full, requests get 503 with Retry-After", async () => {
    // 1. A takes the only sequence: its first chunk has arrived.
    const a = await ai.chat.completions.create({ ...long, stream: true });
    const it = a[Symbol.asyncIterator]();
    await it.next();
    // 2. B waits in the queue.
    const b = ai.chat.completions.create({ model: "alice/slow", messages: long.messages, max_tokens: 3 });
    await until(async () => (await loaded()).queuedRequests === 1);
    // 3. C finds the queue full.
    await assert.rejects(ai.chat.completions.create({ model: "alice/slow", messages: long.messages, max_tokens: 3 }), (err: APIError) => {
      assert.equal(err.status, 503);
      assert.ok(Number(err.headers?.get("retry-after")) >= 1);
      assert.equal(err.code, "model_overloaded");
      return true;
    });
    // 4. A's client goes away; B gets the sequence.
    a.controller.abort();
    const done = await b;
    assert.equal(done.choices[0]!.finish_reason, "length");
  });

  test("an aborted stream frees its sequence at once for the next request", async () => {
    const a = await ai.chat.completions.create({ ...long, stream: true });
    const it = a[Symbol.asyncIterator]();
    await it.next();
    assert.equal((await loaded()).busySequences, 1);
    a.controller.abort();
    // A alone would hold the sequence for seconds more; B is answered right away.
    const started = performance.now();
    const b = await ai.chat.completions.create({ model: "alice/slow", messages: long.messages, max_tokens: 3 });
    assert.equal(b.choices[0]!.finish_reason, "length");
    assert.ok(performance.now() - started < 2000, `answered in ${Math.round(performance.now() - started)} ms`);
    await until(async () => (await loaded()).busySequences === 0);
  });

  test("a worker crash mid-stream ends the stream with an error event; the next request loads the model again", async () => {
    const a = await ai.chat.completions.create({ ...long, stream: true });
    const it = a[Symbol.asyncIterator]();
    await it.next();
    const engine = await hub.hub.services.inference.localEngine();
    const [loadedModel] = engine.status();
    engine.workerOf(loadedModel!.key)!.kill("SIGKILL");
    // The official client raises the `data: {"error": …}` event as an APIError.
    await assert.rejects(
      async () => {
        for (let r = await it.next(); !r.done; r = await it.next());
      },
      (err: APIError) => /stopped unexpectedly/.test(err.message),
    );
    const b = await ai.chat.completions.create({ model: "alice/slow", messages: long.messages, max_tokens: 3 });
    assert.equal(b.choices[0]!.finish_reason, "length");
    assert.notEqual(engine.status()[0]!.pid, loadedModel!.pid);
  });
});
