/**
 * The contract between the OpenAI-compatible gateway and whatever runs a
 * model: the local engine (node-llama-cpp in a child process per model) or an
 * upstream OpenAI-compatible server. Requests and events are engine-neutral;
 * `http/openai/translate.ts` converts them to and from the OpenAI wire format.
 *
 * Lifecycle as everywhere: `static async create()`, idempotent `dispose()`.
 */

/** Why a choice stopped, in OpenAI's vocabulary. */
export const finishReasons = ["stop", "length", "tool_calls"] as const;
export type FinishReason = (typeof finishReasons)[number];

/** A JSON Schema as the client sent it (validated by the engine that uses it). */
export type JsonSchema = Record<string, unknown>;

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as generated. */
  arguments: string;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  /** Calls an assistant turn made (their results follow as `tool` messages). */
  toolCalls?: ToolCall[];
  /** On `tool` messages: the call this is the result of. */
  toolCallId?: string;
}

export interface ToolSpec {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters?: JsonSchema;
}

/** `auto`: the model may call a tool; `required`: it should; `{name}`: it should call that one. */
export type ToolChoice = "auto" | "required" | { name: string };

export type OutputFormat = { type: "text" } | { type: "json" } | { type: "json_schema"; schema: JsonSchema };

export interface Sampling {
  /** Most tokens to generate per choice; undefined: up to the context size. */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Stop sequences; the text of a matched one is not part of the output. */
  stop: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
}

export interface GenerationRequest {
  /** A conversation rendered through the model's chat template, or a raw text prompt. */
  input: { kind: "chat"; messages: ChatMessage[] } | { kind: "completion"; prompt: string };
  /** Choices to generate; each runs on its own sequence, in parallel. */
  n: number;
  sampling: Sampling;
  /** Log probabilities of each generated token, with this many alternatives (0–20). */
  logprobs?: { top: number };
  format: OutputFormat;
  /** Tools the model may call; absent when none (or `tool_choice: "none"`). */
  tools?: { specs: ToolSpec[]; choice: ToolChoice };
  /**
   * The request as the client sent it (OpenAI JSON), for engines that speak
   * OpenAI themselves and forward it rather than rebuild it (upstreams).
   */
  wire?: Record<string, unknown>;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top: { token: string; logprob: number; bytes: number[] }[];
}

/** What a generation produces, in order; each choice ends with exactly one `finish`, and `usage` comes last. */
export type GenerationEvent =
  | { type: "text"; choice: number; text: string; logprobs?: TokenLogprob[] }
  | { type: "toolCall"; choice: number; index: number; call: ToolCall }
  | { type: "finish"; choice: number; reason: FinishReason }
  | { type: "usage"; promptTokens: number; completionTokens: number; cachedTokens?: number }
  /**
   * An OpenAI JSON object from an upstream that speaks the protocol already: a
   * stream chunk, or the whole response of a non-streaming call. Forwarded as is.
   */
  | { type: "passthrough"; body: Record<string, unknown> };

export interface EmbeddingRequest {
  inputs: string[];
  /** Keep only the first `dimensions` values of each vector (then renormalize). */
  dimensions?: number;
}

export interface EmbeddingResult {
  /** One unit-length vector per input, in input order. */
  vectors: Float32Array[];
  promptTokens: number;
}

/**
 * An inference engine. `M` is what it needs to know of a model: a local
 * file, or an upstream route.
 */
export interface Engine<M> {
  /**
   * Generates `request.n` choices as one stream of events. Aborting `signal`
   * (the client went away) stops generation and frees its sequences at once.
   * Errors before the first event are `DomainError`s (bad request, queue
   * full, model failed to load); later ones end the stream with the error.
   */
  generate(model: M, request: GenerationRequest, signal: AbortSignal): AsyncIterable<GenerationEvent>;
  embed(model: M, request: EmbeddingRequest, signal: AbortSignal): Promise<EmbeddingResult>;
  /** Stops everything the engine runs; idempotent. */
  dispose(): Promise<void>;
}
