/**
 * OpenAI JSON ⇄ engine requests and events, as pure functions (no I/O, no
 * clock, no randomness: ids and timestamps come in through `ResponseMeta`).
 * Requests: unknown fields are ignored, known fields with bad values are a
 * 400 naming the field (`param`). Answers follow the shapes the official
 * clients parse (serving.md §4.1).
 */
import type {
  ChatMessage,
  EmbeddingResult,
  FinishReason,
  GenerationEvent,
  GenerationRequest,
  OutputFormat,
  Sampling,
  TokenLogprob,
  ToolCall,
  ToolChoice,
  ToolSpec,
} from "../../engines/engine.js";
import { invalidParam } from "../../lib/error-details.js";
import type {
  ApiChatChunk,
  ApiChatCompletion,
  ApiCompletion,
  ApiCompletionLogprobs,
  ApiEmbeddings,
  ApiTokenLogprob,
  ApiToolCall,
  ApiUsage,
} from "./wire.js";

/** What every answer of one request shares. */
export interface ResponseMeta {
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
}

export interface ParsedGeneration {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  request: GenerationRequest;
}

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Requests

/** `POST /v1/chat/completions` body → engine request. */
export function parseChatRequest(body: unknown): ParsedGeneration {
  const b = object(body, "body");
  const model = modelOf(b);
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw invalidParam("messages", "messages must be a non-empty array");
  const messages = b.messages.map((m, i) => parseMessage(m, `messages[${i}]`));
  const logprobs = optional(b, "logprobs", "boolean") ?? false;
  const topLogprobs = integer(b, "top_logprobs", 0, 20);
  if (topLogprobs !== undefined && !logprobs) throw invalidParam("top_logprobs", "top_logprobs requires logprobs: true");
  const tools = parseTools(b);
  const maxTokens = integer(b, "max_completion_tokens", 1, Number.MAX_SAFE_INTEGER) ?? integer(b, "max_tokens", 1, Number.MAX_SAFE_INTEGER);
  return {
    model,
    ...streaming(b),
    request: {
      input: { kind: "chat", messages },
      n: integer(b, "n", 1, 128) ?? 1,
      sampling: parseSampling(b, maxTokens),
      ...(logprobs ? { logprobs: { top: topLogprobs ?? 0 } } : {}),
      format: parseResponseFormat(b),
      ...(tools ? { tools } : {}),
      wire: b,
    },
  };
}

/**
 * `POST /v1/completions` body → one engine request per prompt (a prompt
 * array asks for `n` choices of each; choice `i` of prompt `p` is index
 * `p·n + i`, as OpenAI numbers them).
 */
export function parseCompletionRequest(body: unknown): { model: string; stream: boolean; includeUsage: boolean; echo: boolean; requests: GenerationRequest[] } {
  const b = object(body, "body");
  const model = modelOf(b);
  const prompts = parsePrompts(b.prompt);
  if (b.suffix !== undefined && b.suffix !== null && b.suffix !== "") throw invalidParam("suffix", "suffix (insertion) is not supported");
  if (b.best_of !== undefined && b.best_of !== null && b.best_of !== 1 && b.best_of !== b.n) throw invalidParam("best_of", "best_of is not supported");
  const logprobs = integer(b, "logprobs", 0, 5);
  const echo = optional(b, "echo", "boolean") ?? false;
  // The legacy completions API generates 16 tokens unless told otherwise.
  const sampling = parseSampling(b, integer(b, "max_tokens", 0, Number.MAX_SAFE_INTEGER) ?? 16);
  const n = integer(b, "n", 1, 128) ?? 1;
  return {
    model,
    ...streaming(b),
    echo,
    requests: prompts.map((prompt) => ({
      input: { kind: "completion", prompt },
      n,
      sampling,
      ...(logprobs !== undefined ? { logprobs: { top: logprobs } } : {}),
      format: { type: "text" },
      wire: b,
    })),
  };
}

/** `POST /v1/embeddings` body. The official npm client asks for base64 unless told otherwise. */
export function parseEmbeddingRequest(body: unknown): { model: string; inputs: string[]; encoding: "float" | "base64"; dimensions?: number } {
  const b = object(body, "body");
  const model = modelOf(b);
  let inputs: string[];
  if (typeof b.input === "string") inputs = [b.input];
  else if (Array.isArray(b.input) && b.input.length > 0 && b.input.every((s) => typeof s === "string")) inputs = b.input as string[];
  else if (Array.isArray(b.input) && b.input.length > 0 && b.input.every((s) => typeof s === "number" || Array.isArray(s))) {
    throw invalidParam("input", "token id inputs are not supported; send text");
  } else throw invalidParam("input", "input must be a string or a non-empty array of strings");
  if (inputs.length > 2048) throw invalidParam("input", "at most 2048 inputs per request");
  const encoding = b.encoding_format ?? "float";
  if (encoding !== "float" && encoding !== "base64") throw invalidParam("encoding_format", "encoding_format must be float or base64");
  const dimensions = integer(b, "dimensions", 1, 1 << 16);
  return { model, inputs, encoding, ...(dimensions !== undefined ? { dimensions } : {}) };
}

function parseMessage(raw: unknown, at: string): ChatMessage {
  const m = object(raw, at);
  const role = m.role === "developer" ? "system" : m.role;
  if (role !== "system" && role !== "user" && role !== "assistant" && role !== "tool") {
    throw invalidParam(`${at}.role`, `${at}.role must be system, developer, user, assistant or tool`);
  }
  const content = parseContent(m.content, `${at}.content`, role === "assistant");
  if (role === "tool") {
    if (typeof m.tool_call_id !== "string") throw invalidParam(`${at}.tool_call_id`, `${at}.tool_call_id is required on tool messages`);
    return { role, content, toolCallId: m.tool_call_id };
  }
  if (role === "assistant" && m.tool_calls !== undefined && m.tool_calls !== null) {
    if (!Array.isArray(m.tool_calls)) throw invalidParam(`${at}.tool_calls`, `${at}.tool_calls must be an array`);
    const toolCalls: ToolCall[] = m.tool_calls.map((c, i) => {
      const call = object(c, `${at}.tool_calls[${i}]`);
      const fn = object(call.function, `${at}.tool_calls[${i}].function`);
      if (typeof call.id !== "string" || typeof fn.name !== "string" || typeof fn.arguments !== "string") {
        throw invalidParam(`${at}.tool_calls[${i}]`, "a tool call needs an id, a function name and arguments (a JSON string)");
      }
      return { id: call.id, name: fn.name, arguments: fn.arguments };
    });
    return { role, content, toolCalls };
  }
  return { role, content };
}

/** Message content: a string, or text parts (other part types need models this gateway does not run). */
function parseContent(raw: unknown, at: string, nullable: boolean): string {
  if (typeof raw === "string") return raw;
  if ((raw === null || raw === undefined) && nullable) return "";
  if (Array.isArray(raw)) {
    return raw
      .map((p, i) => {
        const part = object(p, `${at}[${i}]`);
        if (part.type === "text" && typeof part.text === "string") return part.text;
        throw invalidParam(`${at}[${i}].type`, `only text content parts are supported, not ${JSON.stringify(part.type)}`);
      })
      .join("");
  }
  throw invalidParam(at, `${at} must be a string or an array of text parts`);
}

function parsePrompts(raw: unknown): string[] {
  if (typeof raw === "string") return [raw];
  if (Array.isArray(raw) && raw.length > 0 && raw.every((p) => typeof p === "string")) {
    if (raw.length > 128) throw invalidParam("prompt", "at most 128 prompts per request");
    return raw as string[];
  }
  if (Array.isArray(raw) && raw.length > 0 && raw.every((p) => typeof p === "number" || Array.isArray(p))) {
    throw invalidParam("prompt", "token id prompts are not supported; send text");
  }
  throw invalidParam("prompt", "prompt must be a string or a non-empty array of strings");
}

function parseSampling(b: Json, maxTokens: number | undefined): Sampling {
  const temperature = number(b, "temperature", 0, 2);
  const topP = number(b, "top_p", 0, 1);
  const seed = integer(b, "seed", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const presencePenalty = number(b, "presence_penalty", -2, 2);
  const frequencyPenalty = number(b, "frequency_penalty", -2, 2);
  let stop: string[] = [];
  if (typeof b.stop === "string") stop = [b.stop];
  else if (Array.isArray(b.stop)) {
    if (b.stop.length > 16 || !b.stop.every((s) => typeof s === "string")) throw invalidParam("stop", "stop must be a string or an array of up to 16 strings");
    stop = b.stop as string[];
  } else if (b.stop !== undefined && b.stop !== null) throw invalidParam("stop", "stop must be a string or an array of strings");
  return {
    stop: stop.filter((s) => s !== ""),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(presencePenalty !== undefined ? { presencePenalty } : {}),
    ...(frequencyPenalty !== undefined ? { frequencyPenalty } : {}),
  };
}

function parseResponseFormat(b: Json): OutputFormat {
  if (b.response_format === undefined || b.response_format === null) return { type: "text" };
  const f = object(b.response_format, "response_format");
  switch (f.type) {
    case "text":
      return { type: "text" };
    case "json_object":
      return { type: "json" };
    case "json_schema": {
      const js = object(f.json_schema, "response_format.json_schema");
      if (typeof js.name !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(js.name)) {
        throw invalidParam("response_format.json_schema.name", "json_schema.name must be 1-64 letters, digits, _ or -");
      }
      const schema = object(js.schema ?? {}, "response_format.json_schema.schema");
      return { type: "json_schema", schema };
    }
    default:
      throw invalidParam("response_format.type", "response_format.type must be text, json_object or json_schema");
  }
}

function parseTools(b: Json): GenerationRequest["tools"] {
  if (b.tools === undefined || b.tools === null) {
    if (b.tool_choice !== undefined && b.tool_choice !== null && b.tool_choice !== "none" && b.tool_choice !== "auto") {
      throw invalidParam("tool_choice", "tool_choice needs tools");
    }
    return undefined;
  }
  if (!Array.isArray(b.tools)) throw invalidParam("tools", "tools must be an array");
  const specs: ToolSpec[] = b.tools.map((t, i) => {
    const tool = object(t, `tools[${i}]`);
    if (tool.type !== "function") throw invalidParam(`tools[${i}].type`, "only function tools are supported");
    const fn = object(tool.function, `tools[${i}].function`);
    if (typeof fn.name !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(fn.name)) {
      throw invalidParam(`tools[${i}].function.name`, "function names are 1-64 letters, digits, _ or -");
    }
    if (fn.description !== undefined && typeof fn.description !== "string") throw invalidParam(`tools[${i}].function.description`, "description must be a string");
    if (fn.parameters !== undefined && (typeof fn.parameters !== "object" || fn.parameters === null || Array.isArray(fn.parameters))) {
      throw invalidParam(`tools[${i}].function.parameters`, "parameters must be a JSON Schema object");
    }
    return {
      name: fn.name,
      ...(typeof fn.description === "string" ? { description: fn.description } : {}),
      ...(fn.parameters !== undefined ? { parameters: fn.parameters as Json } : {}),
    };
  });
  if (new Set(specs.map((s) => s.name)).size !== specs.length) throw invalidParam("tools", "function names must be unique");
  let choice: ToolChoice | "none" = "auto";
  const tc = b.tool_choice;
  if (tc === "none" || tc === "auto" || tc === "required") choice = tc;
  else if (tc !== undefined && tc !== null) {
    const named = object(tc, "tool_choice");
    const fn = named.type === "function" ? object(named.function, "tool_choice.function") : undefined;
    const name = fn?.name;
    if (typeof name !== "string" || !specs.some((s) => s.name === name)) {
      throw invalidParam("tool_choice", 'tool_choice must be none, auto, required or {"type":"function","function":{"name":…}} naming one of the tools');
    }
    choice = { name };
  }
  if (choice === "none" || specs.length === 0) return undefined;
  // A named choice offers the model only that function.
  return { specs: typeof choice === "object" ? specs.filter((s) => s.name === (choice as { name: string }).name) : specs, choice };
}

function streaming(b: Json): { stream: boolean; includeUsage: boolean } {
  const stream = optional(b, "stream", "boolean") ?? false;
  let includeUsage = false;
  if (b.stream_options !== undefined && b.stream_options !== null) {
    const so = object(b.stream_options, "stream_options");
    includeUsage = optional(so, "include_usage", "boolean", "stream_options.include_usage") ?? false;
  }
  return { stream, includeUsage };
}

function modelOf(b: Json): string {
  if (typeof b.model !== "string" || b.model === "") throw invalidParam("model", "model is required: a repo id such as owner/name");
  return b.model;
}

function object(v: unknown, at: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalidParam(at, `${at} must be a JSON object`);
  return v as Json;
}

function optional<T extends "boolean" | "string">(b: Json, key: string, type: T, param = key): (T extends "boolean" ? boolean : string) | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== type) throw invalidParam(param, `${param} must be a ${type}`);
  return v as T extends "boolean" ? boolean : string;
}

function number(b: Json, key: string, min: number, max: number): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) throw invalidParam(key, `${key} must be a number between ${min} and ${max}`);
  return v;
}

function integer(b: Json, key: string, min: number, max: number): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw invalidParam(key, max === Number.MAX_SAFE_INTEGER ? `${key} must be an integer of at least ${min}` : `${key} must be an integer between ${min} and ${max}`);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Answers

function usageOf(e: Extract<GenerationEvent, { type: "usage" }> | undefined): ApiUsage {
  const prompt = e?.promptTokens ?? 0;
  const completion = e?.completionTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(e?.cachedTokens !== undefined ? { prompt_tokens_details: { cached_tokens: e.cachedTokens } } : {}),
  };
}

function apiLogprobs(list: readonly TokenLogprob[]): ApiTokenLogprob[] {
  return list.map((l) => ({
    token: l.token,
    logprob: l.logprob,
    bytes: l.bytes,
    top_logprobs: l.top.map((t) => ({ token: t.token, logprob: t.logprob, bytes: t.bytes })),
  }));
}

function apiToolCall(call: ToolCall): ApiToolCall {
  return { id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } };
}

/** The events of a finished generation as one `chat.completion` (non-streaming answer). */
export function toChatCompletion(meta: ResponseMeta, events: readonly GenerationEvent[], n: number, withLogprobs: boolean): ApiChatCompletion {
  const choices = Array.from({ length: n }, (_, index) => ({
    index,
    text: "",
    logprobs: [] as TokenLogprob[],
    calls: [] as ApiToolCall[],
    finish: "stop" as FinishReason,
  }));
  let usage: Extract<GenerationEvent, { type: "usage" }> | undefined;
  for (const e of events) {
    if (e.type === "text") {
      choices[e.choice]!.text += e.text;
      if (e.logprobs) choices[e.choice]!.logprobs.push(...e.logprobs);
    } else if (e.type === "toolCall") choices[e.choice]!.calls[e.index] = apiToolCall(e.call);
    else if (e.type === "finish") choices[e.choice]!.finish = e.reason;
    else if (e.type === "usage") usage = e;
  }
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
    choices: choices.map((c) => ({
      index: c.index,
      message: {
        role: "assistant",
        content: c.calls.length > 0 && c.text === "" ? null : c.text,
        refusal: null,
        ...(c.calls.length > 0 ? { tool_calls: c.calls.filter(Boolean) } : {}),
      },
      logprobs: withLogprobs ? { content: apiLogprobs(c.logprobs), refusal: null } : null,
      finish_reason: c.finish,
    })),
    usage: usageOf(usage),
  };
}

/**
 * Engine events → `chat.completion.chunk`s, one event at a time. Each choice
 * opens with a chunk carrying `role: "assistant"`, and ends with an empty
 * delta carrying `finish_reason`; with `include_usage` every chunk has
 * `usage: null` and a last chunk with `choices: []` carries the totals.
 */
export class ChatChunker {
  private readonly opened = new Set<number>();

  constructor(
    private readonly meta: ResponseMeta,
    private readonly includeUsage: boolean,
    private readonly withLogprobs: boolean,
  ) {}

  /** The chunks one event becomes (zero, one or two). */
  next(e: GenerationEvent): ApiChatChunk[] {
    const out: ApiChatChunk[] = [];
    if (e.type === "usage") {
      if (this.includeUsage) out.push({ ...this.base(), choices: [], usage: usageOf(e) });
      return out;
    }
    if (e.type === "passthrough") return out;
    if (!this.opened.has(e.choice)) {
      this.opened.add(e.choice);
      out.push(this.chunk(e.choice, { role: "assistant", content: "", refusal: null }));
    }
    if (e.type === "text") {
      const c = this.chunk(e.choice, { content: e.text });
      if (this.withLogprobs) c.choices[0]!.logprobs = { content: apiLogprobs(e.logprobs ?? []), refusal: null };
      out.push(c);
    } else if (e.type === "toolCall") {
      out.push(
        this.chunk(e.choice, {
          tool_calls: [{ index: e.index, id: e.call.id, type: "function", function: { name: e.call.name, arguments: e.call.arguments } }],
        }),
      );
    } else if (e.type === "finish") {
      const c = this.chunk(e.choice, {});
      c.choices[0]!.finish_reason = e.reason;
      out.push(c);
    }
    return out;
  }

  private base() {
    return { id: this.meta.id, object: "chat.completion.chunk" as const, created: this.meta.created, model: this.meta.model, system_fingerprint: null };
  }

  private chunk(index: number, delta: ApiChatChunk["choices"][number]["delta"]): ApiChatChunk {
    return {
      ...this.base(),
      choices: [{ index, delta, logprobs: null, finish_reason: null }],
      ...(this.includeUsage ? { usage: null } : {}),
    };
  }
}

/** Legacy completions `logprobs` (`tokens`, `token_logprobs`, `top_logprobs`, `text_offset`). */
function legacyLogprobs(list: readonly TokenLogprob[], offset: number): ApiCompletionLogprobs {
  const out: ApiCompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let at = offset;
  for (const l of list) {
    out.tokens.push(l.token);
    out.token_logprobs.push(l.logprob);
    out.top_logprobs.push(Object.fromEntries(l.top.map((t) => [t.token, t.logprob])));
    out.text_offset.push(at);
    at += l.token.length;
  }
  return out;
}

/**
 * The events of finished completions as one `text_completion`. `events` are
 * already numbered across prompts (choice `p·n + i`); `echo` holds each
 * choice's prompt when the client asked for it back.
 */
export function toCompletion(meta: ResponseMeta, events: readonly GenerationEvent[], choices: number, opts: { logprobs: boolean; echo?: (choice: number) => string }): ApiCompletion {
  const texts = Array.from({ length: choices }, (_, i) => opts.echo?.(i) ?? "");
  const starts = texts.map((t) => t.length);
  const lps = Array.from({ length: choices }, () => [] as TokenLogprob[]);
  const finish: FinishReason[] = Array.from({ length: choices }, () => "stop");
  let prompt = 0;
  let completion = 0;
  for (const e of events) {
    if (e.type === "text") {
      texts[e.choice] += e.text;
      if (e.logprobs) lps[e.choice]!.push(...e.logprobs);
    } else if (e.type === "finish") finish[e.choice] = e.reason;
    else if (e.type === "usage") {
      prompt += e.promptTokens;
      completion += e.completionTokens;
    }
  }
  return {
    id: meta.id,
    object: "text_completion",
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
    choices: texts.map((text, index) => ({
      index,
      text,
      logprobs: opts.logprobs ? legacyLogprobs(lps[index]!, starts[index]!) : null,
      finish_reason: finish[index]!,
    })),
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** One streamed `text_completion` chunk for a text or finish event (usage comes from `completionUsageChunk`). */
export function toCompletionChunk(meta: ResponseMeta, e: GenerationEvent, opts: { logprobs: boolean; includeUsage: boolean }): ApiCompletion | undefined {
  if (e.type !== "text" && e.type !== "finish") return undefined;
  return {
    id: meta.id,
    object: "text_completion",
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
    choices: [
      {
        index: e.choice,
        text: e.type === "text" ? e.text : "",
        logprobs: opts.logprobs && e.type === "text" ? legacyLogprobs(e.logprobs ?? [], 0) : null,
        finish_reason: e.type === "finish" ? e.reason : null,
      },
    ],
    ...(opts.includeUsage ? { usage: null } : {}),
  };
}

/** The usage chunk closing a completions stream with `include_usage`. */
export function completionUsageChunk(meta: ResponseMeta, promptTokens: number, completionTokens: number): ApiCompletion {
  return {
    id: meta.id,
    object: "text_completion",
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
    choices: [],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/** Embedding vectors as the OpenAI list, each as floats or as base64 of little-endian float32. */
export function toEmbeddings(model: string, result: EmbeddingResult, encoding: "float" | "base64"): ApiEmbeddings {
  return {
    object: "list",
    data: result.vectors.map((v, index) => ({ object: "embedding", index, embedding: encoding === "base64" ? float32Base64(v) : Array.from(v) })),
    model,
    usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
  };
}

function float32Base64(v: Float32Array): string {
  const buf = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i]!, i * 4);
  return buf.toString("base64");
}

/** A server-sent event carrying one JSON object. */
export function sseData(obj: unknown): string {
  return `data: ${JSON.stringify(obj)}\n\n`;
}

export const sseDone = "data: [DONE]\n\n";
