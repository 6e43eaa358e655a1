import {
  type ChatHistoryItem,
  type ChatModelFunctions,
  type ChatWrapper,
  type GbnfJsonSchema,
  type Llama,
  LlamaChat,
  LlamaCompletion,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  LlamaGrammarEvaluationState,
  type LlamaJsonSchemaGrammar,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import type { FinishReason, GenerationEvent, GenerationRequest, OutputFormat, TokenLogprob } from "../engine.js";
import { toChatFunctions, toChatHistory } from "./chat-history.js";
import { StopMatcher } from "./stop-matcher.js";
import { WorkerRequestError } from "./worker-errors.js";

type Emit = (event: GenerationEvent) => void;

/** Grammars compiled for JSON schemas, by schema text; a client that repeats a schema reuses it. */
const grammarCacheSize = 32;

/**
 * Text generation inside a model worker: one context with `parallel`
 * sequences, handed out to choices from a free list (the hub never sends
 * more concurrent choices than there are sequences). Sequences are reused,
 * not disposed, so a request that shares a prefix with the previous one on
 * that sequence skips evaluating it again.
 *
 * Chat uses `LlamaChat` (chat template, stop triggers, function calling,
 * grammars), completions `LlamaCompletion`. Requests for log probabilities use
 * a token loop on the low-level API instead, the only place node-llama-cpp
 * exposes per-token probabilities (serving.md §1.7).
 */
export class GenerationRuntime {
  private readonly free: LlamaContextSequence[];
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly chatWrapper: ChatWrapper,
  ) {
    this.free = Array.from({ length: context.totalSequences }, () => context.getSequence());
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  async generate(request: GenerationRequest, signal: AbortSignal, emit: Emit): Promise<void> {
    if (request.n > this.free.length) {
      throw new WorkerRequestError("Internal", `${request.n} choices asked, ${this.free.length} sequences free`);
    }
    const grammar = await this.grammarFor(request.format);
    const functions = request.tools ? toChatFunctions(request.tools.specs) : undefined;
    const history = request.input.kind === "chat" ? toChatHistory(request.input.messages) : undefined;
    const promptTokens = history ? this.renderChat(history, functions).tokens : this.completionTokens(request.input.kind === "completion" ? request.input.prompt : "");
    if (promptTokens.length >= this.contextSize) {
      throw new WorkerRequestError(
        "InvalidArgument",
        `This model's context holds ${this.contextSize} tokens; the prompt has ${promptTokens.length}`,
        request.input.kind === "chat" ? "messages" : "prompt",
      );
    }
    const room = this.contextSize - promptTokens.length;
    const maxTokens = Math.min(request.sampling.maxTokens ?? room, room);

    // One failed choice stops its siblings.
    const stopAll = new AbortController();
    const onAbort = () => stopAll.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    let completionTokens = 0;
    try {
      await Promise.all(
        Array.from({ length: request.n }, async (_, choice) => {
          const sequence = this.free.pop()!;
          try {
            if (maxTokens <= 0) {
              emit({ type: "finish", choice, reason: "length" });
              return;
            }
            const before = sequence.tokenMeter.usedOutputTokens;
            const options: ChoiceOptions = { request, choice, maxTokens, grammar, functions, signal: stopAll.signal, emit };
            const reason = request.logprobs
              ? await this.generateWithLogprobs(sequence, promptTokens, history, options)
              : history
                ? await this.generateChat(sequence, history, options)
                : await this.generateCompletion(sequence, options);
            completionTokens += sequence.tokenMeter.usedOutputTokens - before;
            if (stopAll.signal.aborted) return;
            emit({ type: "finish", choice, reason });
          } catch (err) {
            stopAll.abort(err);
            throw err;
          } finally {
            this.free.push(sequence);
          }
        }),
      );
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    if (!signal.aborted) emit({ type: "usage", promptTokens: promptTokens.length, completionTokens });
  }

  private async generateChat(sequence: LlamaContextSequence, history: ChatHistoryItem[], o: ChoiceOptions): Promise<FinishReason> {
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper });
    try {
      const common = {
        ...highLevel(o),
        signal: o.signal,
        stopOnAbortSignal: true,
        maxTokens: o.maxTokens,
        onTextChunk: (text: string) => {
          if (text !== "") o.emit({ type: "text", choice: o.choice, text });
        },
      };
      const res = o.functions
        ? await chat.generateResponse(history, { ...common, functions: o.functions })
        : await chat.generateResponse(history, { ...common, ...(o.grammar ? { grammar: o.grammar } : {}) });
      const calls = res.functionCalls ?? [];
      calls.forEach((call, index) => {
        o.emit({
          type: "toolCall",
          choice: o.choice,
          index,
          call: { id: callId(), name: call.functionName, arguments: JSON.stringify(call.params ?? {}) },
        });
      });
      if (calls.length > 0) return "tool_calls";
      this.checkFormat(o, res.response, res.metadata.stopReason);
      return finishOf(res.metadata.stopReason);
    } finally {
      chat.dispose({ disposeSequence: false });
    }
  }

  private async generateCompletion(sequence: LlamaContextSequence, o: ChoiceOptions): Promise<FinishReason> {
    const completion = new LlamaCompletion({ contextSequence: sequence });
    try {
      const prompt = o.request.input.kind === "completion" ? o.request.input.prompt : "";
      const res = await completion.generateCompletionWithMeta(prompt, {
        ...highLevel(o),
        signal: o.signal,
        stopOnAbortSignal: true,
        maxTokens: o.maxTokens,
        ...(o.grammar ? { grammar: o.grammar } : {}),
        onTextChunk: (text: string) => {
          if (text !== "") o.emit({ type: "text", choice: o.choice, text });
        },
      });
      this.checkFormat(o, res.response, res.metadata.stopReason);
      return finishOf(res.metadata.stopReason);
    } finally {
      completion.dispose({ disposeSequence: false });
    }
  }

  /**
   * The token loop used when log probabilities are asked for: evaluate the
   * prompt (reusing the sequence's common prefix), then sample token by token
   * with the same sampling options, reporting each token's probability and
   * the most likely alternatives. Stops at an end-of-generation token, a stop
   * sequence (the client's or the chat template's), or `maxTokens`.
   */
  private async generateWithLogprobs(
    sequence: LlamaContextSequence,
    prompt: Token[],
    history: ChatHistoryItem[] | undefined,
    o: ChoiceOptions,
  ): Promise<FinishReason> {
    const top = o.request.logprobs?.top ?? 0;
    const templateStops = history ? this.renderChat(history, o.functions).stops : [];
    const matcher = new StopMatcher([...o.request.sampling.stop, ...templateStops]);

    // Keep what the sequence already holds of this prompt; at least one token is evaluated to get a next-token distribution.
    const held = sequence.contextTokens;
    let common = 0;
    while (common < held.length && common < prompt.length - 1 && held[common] === prompt[common]) common++;
    if (sequence.nextTokenIndex > common) await sequence.eraseContextTokenRanges([{ start: common, end: sequence.nextTokenIndex }]);

    const grammarEvaluationState = o.grammar ? new LlamaGrammarEvaluationState({ model: this.model, grammar: o.grammar }) : undefined;
    const generated: Token[] = [];
    let emittedText = "";
    let pendingLogprobs: TokenLogprob[] = [];
    let fullText = "";
    let reason: FinishReason = "stop";
    const flush = (text: string) => {
      if (text === "" && pendingLogprobs.length === 0) return;
      o.emit({ type: "text", choice: o.choice, text, logprobs: pendingLogprobs });
      pendingLogprobs = [];
    };

    const iterator = sequence.evaluateWithMetadata(prompt.slice(common), { confidence: true, probabilities: top > 0 }, {
      ...sampling(o),
      ...(grammarEvaluationState ? { grammarEvaluationState } : {}),
    });
    for await (const out of iterator) {
      if (o.signal.aborted) break;
      if (this.model.isEogToken(out.token)) break;
      generated.push(out.token);
      pendingLogprobs.push(this.logprobOf(out.token, out.confidence, top > 0 ? (out as { probabilities?: Map<Token, number> }).probabilities : undefined, top));
      // Detokenize the whole output so multi-token characters come out right; hold back an incomplete one.
      const text = this.model.detokenize(generated);
      if (!text.endsWith("\uFFFD")) {
        const fresh = text.slice(emittedText.length);
        emittedText = text;
        const out = matcher.push(fresh);
        fullText += out;
        if (out !== "" || matcher.done) flush(out);
      }
      if (matcher.done) break;
      if (generated.length >= o.maxTokens) {
        reason = "length";
        break;
      }
    }
    const rest = matcher.flush();
    fullText += rest;
    flush(rest);
    this.checkFormat(o, fullText, reason === "length" ? "maxTokens" : "eogToken");
    return reason;
  }

  private logprobOf(token: Token, confidence: number, probabilities: Map<Token, number> | undefined, top: number): TokenLogprob {
    const text = this.model.detokenize([token], true);
    const alternatives: TokenLogprob["top"] = [];
    if (probabilities) {
      for (const [t, p] of probabilities) {
        if (alternatives.length >= top) break;
        const s = this.model.detokenize([t], true);
        alternatives.push({ token: s, logprob: logOf(p), bytes: [...Buffer.from(s, "utf8")] });
      }
    }
    return { token: text, logprob: logOf(confidence), bytes: [...Buffer.from(text, "utf8")], top: alternatives };
  }

  /** The chat as the model sees it (template applied, tool docs included) and the template's own stop texts. */
  private renderChat(history: ChatHistoryItem[], functions: ChatModelFunctions | undefined): { tokens: Token[]; stops: string[] } {
    const state = this.chatWrapper.generateContextState({ chatHistory: history, ...(functions ? { availableFunctions: functions } : {}) });
    const stops = state.stopGenerationTriggers
      .filter((t) => t.values.every((v) => typeof v === "string"))
      .map((t) => t.toString())
      .filter((s) => s !== "");
    return { tokens: state.contextText.tokenize(this.model.tokenizer), stops };
  }

  private completionTokens(prompt: string): Token[] {
    const tokens = this.model.tokenize(prompt);
    const bos = this.model.tokens.bos;
    return this.model.tokens.shouldPrependBosToken && bos !== null ? [bos, ...tokens] : tokens;
  }

  private grammarFor(format: OutputFormat): Promise<LlamaGrammar> | undefined {
    if (format.type === "text") return undefined;
    const key = format.type === "json" ? "json" : JSON.stringify(format.schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = format.type === "json"
        ? this.llama.getGrammarFor("json")
        : // The schema was checked against the supported subset in the hub (json-schema-support.ts).
          this.llama.createGrammarForJsonSchema(format.schema as never);
      grammar.catch(() => this.grammars.delete(key));
      if (this.grammars.size >= grammarCacheSize) this.grammars.delete(this.grammars.keys().next().value!);
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  /**
   * A finished JSON output must parse (and match its schema): node-llama-cpp's
   * grammars are not airtight (its `integer` rule admits exponents,
   * serving.md §1.4), so the output is checked rather than trusted.
   */
  private checkFormat(o: ChoiceOptions, text: string, stopReason: string): void {
    const format = o.request.format;
    if (format.type === "text" || stopReason === "maxTokens" || stopReason === "abort" || o.signal.aborted) return;
    try {
      if (format.type === "json_schema" && o.grammar && "parse" in o.grammar) (o.grammar as LlamaJsonSchemaGrammar<GbnfJsonSchema>).parse(text);
      else JSON.parse(text);
    } catch (err) {
      throw new WorkerRequestError("Internal", `The model's output does not match the requested format: ${(err as Error).message}`);
    }
  }
}

interface ChoiceOptions {
  request: GenerationRequest;
  choice: number;
  maxTokens: number;
  grammar: LlamaGrammar | undefined;
  functions: ChatModelFunctions | undefined;
  signal: AbortSignal;
  emit: Emit;
}

/** OpenAI sampling parameters in node-llama-cpp's terms; choices of one request get distinct seeds. */
function sampling(o: ChoiceOptions) {
  const s = o.request.sampling;
  return {
    // OpenAI's default temperature is 1; node-llama-cpp's is 0 (greedy).
    temperature: s.temperature ?? 1,
    ...(s.topP !== undefined ? { topP: s.topP } : {}),
    ...(s.seed !== undefined ? { seed: s.seed + o.choice } : {}),
  };
}

/** Options `LlamaChat` and `LlamaCompletion` share beyond sampling: stop sequences and penalties. */
function highLevel(o: ChoiceOptions) {
  const s = o.request.sampling;
  const penalties = s.presencePenalty || s.frequencyPenalty;
  return {
    ...sampling(o),
    ...(s.stop.length > 0 ? { customStopTriggers: s.stop } : {}),
    ...(penalties
      ? { repeatPenalty: { presencePenalty: s.presencePenalty ?? 0, frequencyPenalty: s.frequencyPenalty ?? 0, penalty: 1 } }
      : {}),
  };
}

function finishOf(stopReason: string): FinishReason {
  if (stopReason === "maxTokens") return "length";
  if (stopReason === "functionCalls") return "tool_calls";
  return "stop";
}

function logOf(p: number): number {
  return p > 0 ? Math.log(p) : -9999;
}

function callId(): string {
  return `call_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;
}
