import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { GenerationEvent } from "../src/engines/engine.js";
import { toGrammarSchema } from "../src/engines/local/json-schema-support.js";
import { StopMatcher } from "../src/engines/local/stop-matcher.js";
import { parseModelId, pickGgufFile, quantizationRank } from "../src/engines/model-ids.js";
import { readSseData } from "../src/engines/upstream/sse.js";
import { matchUpstream } from "../src/engines/upstream/upstream-engine.js";
import { loadConfig } from "../src/config/load.js";
import { DetailedError } from "../src/lib/error-details.js";
import { MetricsRegistry } from "../src/lib/metrics.js";
import {
  ChatChunker,
  parseChatRequest,
  parseCompletionRequest,
  parseEmbeddingRequest,
  toChatCompletion,
  toCompletion,
  toEmbeddings,
} from "../src/http/openai/translate.js";
import { mergeGenerations } from "../src/http/openai/routes.js";

const meta = { id: "chatcmpl-1", created: 1700000000, model: "alice/m" };
const hi = [{ role: "user", content: "Hi" }];

/** The `param` a 400 names, or a failure when `fn` does not throw one. */
function paramOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DetailedError && err.kind === "InvalidArgument", String(err));
    return err.details.param;
  }
  assert.fail("expected a 400");
}

describe("OpenAI requests → engine requests", () => {
  test("a chat request with every supported field", () => {
    const parsed = parseChatRequest({
      model: "alice/m@v1:q8.gguf",
      messages: [
        { role: "developer", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Hel" }, { type: "text", text: "lo" }] },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c1", content: "42" },
      ],
      max_completion_tokens: 10,
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      n: 2,
      stop: "END",
      logprobs: true,
      top_logprobs: 3,
      stream: true,
      stream_options: { include_usage: true },
      response_format: { type: "json_object" },
      something_new: true,
    });
    assert.equal(parsed.model, "alice/m@v1:q8.gguf");
    assert.equal(parsed.stream, true);
    assert.equal(parsed.includeUsage, true);
    const r = parsed.request;
    assert.deepEqual(r.input, {
      kind: "chat",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello" },
        { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "f", arguments: "{}" }] },
        { role: "tool", content: "42", toolCallId: "c1" },
      ],
    });
    assert.deepEqual(r.sampling, { stop: ["END"], maxTokens: 10, temperature: 0.2, topP: 0.9, seed: 7 });
    assert.equal(r.n, 2);
    assert.deepEqual(r.logprobs, { top: 3 });
    assert.deepEqual(r.format, { type: "json" });
    assert.equal(r.wire?.something_new, true, "the raw body is kept for upstreams");
  });

  test("invalid values are 400s naming the field", () => {
    assert.equal(paramOf(() => parseChatRequest({ messages: hi })), "model");
    assert.equal(paramOf(() => parseChatRequest({ model: "a/b", messages: "hi" })), "messages");
    assert.equal(paramOf(() => parseChatRequest({ model: "a/b", messages: [{ role: "robot", content: "x" }] })), "messages[0].role");
    assert.equal(paramOf(() => parseChatRequest({ model: "a/b", messages: hi, temperature: 2.5 })), "temperature");
    assert.equal(paramOf(() => parseChatRequest({ model: "a/b", messages: hi, max_tokens: 0 })), "max_tokens");
    assert.equal(paramOf(() => parseChatRequest({ model: "a/b", messages: hi, n: 1.5 })), "n");
    assert.equal(paramOf(() => parseChatRequest({ model: "a/b", messages: hi, stop: [1] })), "stop");
    assert.equal(paramOf(() => parseChatRequest({ model: "a/b", messages: hi, top_logprobs: 2 })), "top_logprobs");
    assert.equal(paramOf(() => parseChatRequest({ model: "a/b", messages: hi, stream_options: { include_usage: "yes" } })), "stream_options.include_usage");
    assert.equal(paramOf(() => parseChatRequest({ model: "a/b", messages: hi, response_format: { type: "xml" } })), "response_format.type");
    assert.equal(paramOf(() => parseChatRequest({ model: "a/b", messages: [{ role: "user", content: [{ type: "image_url" }] }] })), "messages[0].content[0].type");
    assert.equal(paramOf(() => parseChatRequest({ model: "a/b", messages: hi, tools: [{ type: "function", function: { name: "bad name" } }] })), "tools[0].function.name");
    assert.equal(paramOf(() => parseChatRequest({ model: "a/b", messages: hi, tools: [{ type: "function", function: { name: "f" } }], tool_choice: { type: "function", function: { name: "g" } } })), "tool_choice");
  });

  test("tools: tool_choice none drops them; a named choice keeps only that function", () => {
    const tools = [{ type: "function", function: { name: "f" } }, { type: "function", function: { name: "g", parameters: { type: "object" } } }];
    assert.equal(parseChatRequest({ model: "a/b", messages: hi, tools, tool_choice: "none" }).request.tools, undefined);
    assert.deepEqual(parseChatRequest({ model: "a/b", messages: hi, tools }).request.tools?.specs.map((s) => s.name), ["f", "g"]);
    const named = parseChatRequest({ model: "a/b", messages: hi, tools, tool_choice: { type: "function", function: { name: "g" } } }).request.tools!;
    assert.deepEqual(named, { specs: [{ name: "g", parameters: { type: "object" } }], choice: { name: "g" } });
  });

  test("completions: a prompt array is one request per prompt; 16 tokens by default; suffix is refused", () => {
    const parsed = parseCompletionRequest({ model: "a/b", prompt: ["x", "y"], n: 2, echo: true });
    assert.deepEqual(parsed.requests.map((r) => r.input), [{ kind: "completion", prompt: "x" }, { kind: "completion", prompt: "y" }]);
    assert.equal(parsed.requests[0]!.sampling.maxTokens, 16);
    assert.equal(parsed.requests[0]!.n, 2);
    assert.equal(parsed.echo, true);
    assert.equal(paramOf(() => parseCompletionRequest({ model: "a/b", prompt: "x", suffix: "y" })), "suffix");
    assert.equal(paramOf(() => parseCompletionRequest({ model: "a/b", prompt: [1, 2] })), "prompt");
  });

  test("embeddings: string or array input; float unless base64 is asked", () => {
    assert.deepEqual(parseEmbeddingRequest({ model: "a/b", input: "x" }), { model: "a/b", inputs: ["x"], encoding: "float" });
    assert.deepEqual(parseEmbeddingRequest({ model: "a/b", input: ["x", "y"], encoding_format: "base64", dimensions: 8 }), {
      model: "a/b", inputs: ["x", "y"], encoding: "base64", dimensions: 8,
    });
    assert.equal(paramOf(() => parseEmbeddingRequest({ model: "a/b", input: [] })), "input");
    assert.equal(paramOf(() => parseEmbeddingRequest({ model: "a/b", input: "x", encoding_format: "int8" })), "encoding_format");
  });
});

describe("engine events → OpenAI answers", () => {
  const events: GenerationEvent[] = [
    { type: "text", choice: 0, text: "Hel", logprobs: [{ token: "Hel", logprob: -0.1, bytes: [72, 101, 108], top: [{ token: "Hel", logprob: -0.1, bytes: [72, 101, 108] }] }] },
    { type: "text", choice: 1, text: "Bye" },
    { type: "text", choice: 0, text: "lo" },
    { type: "finish", choice: 1, reason: "length" },
    { type: "finish", choice: 0, reason: "stop" },
    { type: "usage", promptTokens: 5, completionTokens: 3 },
  ];

  test("a non-streamed chat completion gathers each choice", () => {
    const res = toChatCompletion(meta, events, 2, false);
    assert.deepEqual(res.choices.map((c) => [c.index, c.message.content, c.finish_reason, c.logprobs]), [
      [0, "Hello", "stop", null],
      [1, "Bye", "length", null],
    ]);
    assert.deepEqual(res.usage, { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    const withLogprobs = toChatCompletion(meta, events, 2, true);
    assert.deepEqual(withLogprobs.choices[0]!.logprobs!.content, [{ token: "Hel", logprob: -0.1, bytes: [72, 101, 108], top_logprobs: [{ token: "Hel", logprob: -0.1, bytes: [72, 101, 108] }] }]);
  });

  test("tool calls: arguments as a JSON string, content null", () => {
    const res = toChatCompletion(meta, [
      { type: "toolCall", choice: 0, index: 0, call: { id: "call_1", name: "f", arguments: '{"a":1}' } },
      { type: "finish", choice: 0, reason: "tool_calls" },
    ], 1, false);
    assert.deepEqual(res.choices[0]!.message, { role: "assistant", content: null, refusal: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] });
    assert.equal(res.choices[0]!.finish_reason, "tool_calls");
  });

  test("stream chunks: role first for each choice, text, an empty finishing delta, usage last with no choices", () => {
    const chunker = new ChatChunker(meta, true, false);
    const chunks = events.flatMap((e) => chunker.next(e));
    const shapes = chunks.map((c) => (c.choices.length === 0 ? "usage" : `${c.choices[0]!.index}:${JSON.stringify(c.choices[0]!.delta)}:${c.choices[0]!.finish_reason}`));
    assert.deepEqual(shapes, [
      '0:{"role":"assistant","content":"","refusal":null}:null',
      '0:{"content":"Hel"}:null',
      '1:{"role":"assistant","content":"","refusal":null}:null',
      '1:{"content":"Bye"}:null',
      '0:{"content":"lo"}:null',
      "1:{}:length",
      "0:{}:stop",
      "usage",
    ]);
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null && c.object === "chat.completion.chunk" && c.id === meta.id));
    assert.deepEqual(chunks.at(-1)!.usage, { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    // Without include_usage there is neither a usage chunk nor a usage field.
    const plain = new ChatChunker(meta, false, false);
    const plainChunks = events.flatMap((e) => plain.next(e));
    assert.ok(plainChunks.every((c) => !("usage" in c) && c.choices.length === 1));
  });

  test("completions: legacy logprobs and echo", () => {
    const res = toCompletion(meta, events, 2, { logprobs: true, echo: (c) => (c === 0 ? "Say: " : "") });
    assert.equal(res.choices[0]!.text, "Say: Hello");
    assert.deepEqual(res.choices[0]!.logprobs, { tokens: ["Hel"], token_logprobs: [-0.1], top_logprobs: [{ Hel: -0.1 }], text_offset: [5] });
  });

  test("embeddings in base64 are little-endian float32", () => {
    const v = Float32Array.from([0.6, -0.8]);
    const res = toEmbeddings("a/b", { vectors: [v], promptTokens: 2 }, "base64");
    const bytes = Buffer.from(res.data[0]!.embedding as string, "base64");
    assert.deepEqual([bytes.readFloatLE(0), bytes.readFloatLE(4)], [v[0], v[1]]);
    assert.deepEqual(toEmbeddings("a/b", { vectors: [v], promptTokens: 2 }, "float").data[0]!.embedding, [v[0], v[1]]);
    assert.deepEqual(res.usage, { prompt_tokens: 2, total_tokens: 2 });
  });

  test("several prompts merge into one stream: choices renumbered, one usage total last", async () => {
    async function* gen(text: string): AsyncIterable<GenerationEvent> {
      yield { type: "text", choice: 0, text };
      yield { type: "finish", choice: 0, reason: "stop" };
      yield { type: "usage", promptTokens: 1, completionTokens: 2 };
    }
    const out: GenerationEvent[] = [];
    for await (const e of mergeGenerations([gen("a"), gen("b")], 1)) out.push(e);
    assert.deepEqual(out.filter((e) => e.type === "text").map((e) => e.type === "text" && [e.choice, e.text]).sort(), [[0, "a"], [1, "b"]]);
    assert.deepEqual(out.at(-1), { type: "usage", promptTokens: 2, completionTokens: 4 });
  });
});

describe("stop sequences", () => {
  test("text that may start a stop sequence is held back until decided; the stop text is cut", () => {
    const m = new StopMatcher([" world", "STOP"]);
    assert.equal(m.push("Hello w"), "Hello");
    assert.equal(m.push("ide"), " wide");
    assert.equal(m.push(" wor"), "");
    assert.equal(m.push("ld!"), "");
    assert.ok(m.done);
    assert.equal(m.flush(), "");
    const n = new StopMatcher(["STOP"]);
    assert.equal(n.push("abcST"), "abc");
    assert.equal(n.flush(), "ST");
  });
});

describe("model ids and GGUF choice", () => {
  test("owner/name, @revision, :file", () => {
    assert.deepEqual(parseModelId("alice/m"), { namespace: "alice", name: "m" });
    assert.deepEqual(parseModelId("alice/m@refs/pr/1:sub/x.gguf"), { namespace: "alice", name: "m", revision: "refs/pr/1", file: "sub/x.gguf" });
    assert.deepEqual(parseModelId("alice/m:x.gguf"), { namespace: "alice", name: "m", file: "x.gguf" });
    assert.equal(parseModelId("gpt-4o"), undefined);
    assert.equal(parseModelId("a/b/c"), undefined);
  });

  test("the best quantization wins: Q8_0 > Q6_K > Q5_K_M > Q4_K_M > … > F16 > F32; shards and projectors are skipped", () => {
    assert.equal(pickGgufFile(["m-F16.gguf", "m-Q4_K_M.gguf", "m-Q8_0.gguf", "README.md"]), "m-Q8_0.gguf");
    assert.equal(pickGgufFile(["m.Q4_K_S.gguf", "m.Q4_K_M.gguf"]), "m.Q4_K_M.gguf");
    assert.equal(pickGgufFile(["m-f32.gguf", "m-f16.gguf"]), "m-f16.gguf");
    assert.equal(pickGgufFile(["big-Q8_0-00001-of-00002.gguf", "mmproj-Q8_0.gguf", "m-Q2_K.gguf"]), "m-Q2_K.gguf");
    assert.equal(pickGgufFile(["sub/m-Q8_0.gguf", "m-Q8_0.gguf"]), "m-Q8_0.gguf");
    assert.equal(pickGgufFile(["config.json"]), undefined);
    assert.ok(quantizationRank("x-Q4_K_M.gguf") < quantizationRank("x-Q4_K.gguf"));
    assert.ok(quantizationRank("model.gguf") > quantizationRank("x-F32.gguf"));
  });
});

describe("upstream routes", () => {
  const routes = loadConfig({}, {
    MODELPORT_UPSTREAMS: JSON.stringify({
      "gpt-4o": { baseURL: "https://api.example.com/v1/", apiKey: "sk-x" },
      "vllm/*": { baseURL: "http://gpu:8000/v1", model: "meta-llama/*", access: "public" },
    }),
  }).upstreams;

  test("MODELPORT_UPSTREAMS parses into routes; bad ones are refused at start", () => {
    assert.deepEqual(routes[0], { pattern: "gpt-4o", baseURL: "https://api.example.com/v1", apiKey: "sk-x", access: "authenticated" });
    assert.throws(() => loadConfig({}, { MODELPORT_UPSTREAMS: '{"a/*/*": {"baseURL": "http://x"}}' }), /MODELPORT_UPSTREAMS/);
    assert.throws(() => loadConfig({}, { MODELPORT_UPSTREAMS: '{"a": {"baseURL": "ftp://x"}}' }), /MODELPORT_UPSTREAMS/);
  });

  test("exact ids and one-star patterns; the star carries into the upstream model name", () => {
    assert.equal(matchUpstream(routes, "gpt-4o")?.upstreamModel, "gpt-4o");
    assert.equal(matchUpstream(routes, "vllm/Llama-3-8B")?.upstreamModel, "meta-llama/Llama-3-8B");
    assert.equal(matchUpstream(routes, "alice/tiny"), undefined);
  });
});

describe("constrained generation schemas", () => {
  test("the supported subset passes (anyOf becomes oneOf); anything else is a 400 naming the keyword", () => {
    const schema = {
      type: "object",
      title: "Person",
      properties: { name: { type: "string", maxLength: 20 }, pet: { anyOf: [{ type: "string" }, { type: "null" }] }, tags: { type: "array", items: { enum: ["a", "b"] } } },
      required: ["name"],
      additionalProperties: false,
      $defs: { x: { const: 1 } },
    };
    const out = toGrammarSchema(schema, "s") as { properties: { pet: unknown } };
    assert.deepEqual(out.properties.pet, { oneOf: [{ type: "string" }, { type: "null" }] });
    assert.equal(paramOfSchema({ type: "string", pattern: "^a" }), "s.pattern");
    assert.equal(paramOfSchema({ type: "number", minimum: 0 }), "s.minimum");
    assert.equal(paramOfSchema({ type: "string", format: "email" }), "s.format");
    assert.equal(paramOfSchema({ type: "object", properties: { a: { allOf: [] } } }), "s.properties.a.allOf");
  });

  function paramOfSchema(schema: unknown): string | undefined {
    return paramOf(() => toGrammarSchema(schema, "s"));
  }
});

describe("server-sent events from upstreams", () => {
  test("events split across chunks, CRLF line ends, comments and multi-line data", async () => {
    const parts = [": ping\r\n\r\ndata: {\"a\"", ":1}\r\n\r\ndata: x\ndata: y\n\n", "data: [DONE]"];
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const p of parts) c.enqueue(new TextEncoder().encode(p));
        c.close();
      },
    });
    const out: string[] = [];
    for await (const d of readSseData(body)) out.push(d);
    assert.deepEqual(out, ['{"a":1}', "x\ny", "[DONE]"]);
  });
});

describe("Prometheus text", () => {
  test("counters, gauges and histograms in the exposition format, labels escaped", () => {
    const r = new MetricsRegistry();
    r.counter("x_total", "Xs.").inc({ model: 'a"b' }, 2);
    r.gauge("y", "Y.", () => [{ value: 3 }]);
    const h = r.histogram("z_seconds", "Z.", [0.1, 1]);
    h.observe(0.5);
    assert.equal(
      r.render(),
      [
        "# HELP x_total Xs.", "# TYPE x_total counter", 'x_total{model="a\\"b"} 2',
        "# HELP y Y.", "# TYPE y gauge", "y 3",
        "# HELP z_seconds Z.", "# TYPE z_seconds histogram",
        'z_seconds_bucket{le="0.1"} 0', 'z_seconds_bucket{le="1"} 1', 'z_seconds_bucket{le="+Inf"} 1', "z_seconds_sum 0.5", "z_seconds_count 1",
        "",
      ].join("\n"),
    );
  });
});
