import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AsyncQueue } from "../../engines/async-queue.js";
import type { GenerationEvent } from "../../engines/engine.js";
import { DomainError } from "../../lib/domain-error.js";
import { DetailedError } from "../../lib/error-details.js";
import type { InferenceTarget } from "../../services/inference.js";
import type { Services } from "../../services/index.js";
import { openAiError } from "../errors.js";
import { clientGone, SseWriter } from "./sse-writer.js";
import {
  ChatChunker,
  completionUsageChunk,
  parseChatRequest,
  parseCompletionRequest,
  parseEmbeddingRequest,
  type ResponseMeta,
  sseData,
  sseDone,
  toChatCompletion,
  toCompletion,
  toCompletionChunk,
  toEmbeddings,
} from "./translate.js";
import type { ApiModel } from "./wire.js";

const routeConfig = { errorStyle: "openai" as const };
/** Chat histories can be long; the default 1 MiB body limit is too small for some agents. */
const bodyLimit = 32 * 1024 * 1024;

/**
 * The OpenAI-compatible API: `/v1/models`, `/v1/chat/completions`,
 * `/v1/completions`, `/v1/embeddings`. Tokens authenticate as everywhere
 * (`Authorization: Bearer hf_…`); errors use OpenAI's envelope.
 */
export function registerOpenAiRoutes(app: FastifyInstance, services: Services): void {
  const inference = services.inference;

  app.get("/v1/models", { config: routeConfig }, async (request) => {
    const models = await inference.listModels(request.principal);
    return { object: "list", data: models.map((m): ApiModel => ({ id: m.id, object: "model", created: m.created, owned_by: m.ownedBy })) };
  });

  // Model ids hold slashes (`owner/name`); the wildcard takes the rest of the path, percent-decoded.
  app.get("/v1/models/*", { config: routeConfig }, async (request) => {
    const id = (request.params as { "*": string })["*"];
    const target = await inference.resolve(request.principal, id);
    return apiModel(target);
  });

  app.post("/v1/chat/completions", { config: routeConfig, bodyLimit }, async (request, reply) => {
    const parsed = parseChatRequest(request.body);
    const target = await inference.resolve(request.principal, parsed.model);
    const gone = clientGone(reply);
    try {
      const events = inference.generate(target, parsed.request, gone.signal, "chat")[Symbol.asyncIterator]();
      // Failures before the first event (queue full, bad model) are plain HTTP errors.
      const first = await events.next();
      const meta = responseMeta("chatcmpl", parsed.model);
      const withLogprobs = parsed.request.logprobs !== undefined;
      if (!parsed.stream) {
        const all = await drain(first, events);
        const passthrough = all.find((e) => e.type === "passthrough");
        return passthrough ? passthrough.body : toChatCompletion(meta, all, parsed.request.n, withLogprobs);
      }
      const chunker = new ChatChunker(meta, parsed.includeUsage, withLogprobs);
      await stream(request, reply, first, events, (e) => chunker.next(e));
      return reply;
    } finally {
      gone.finished();
    }
  });

  app.post("/v1/completions", { config: routeConfig, bodyLimit }, async (request, reply) => {
    const parsed = parseCompletionRequest(request.body);
    const target = await inference.resolve(request.principal, parsed.model);
    const gone = clientGone(reply);
    try {
      // An upstream gets the request as sent (all prompts at once); locally each prompt is its own generation.
      const requests = target.kind === "upstream" ? parsed.requests.slice(0, 1) : parsed.requests;
      const n = parsed.requests[0]!.n;
      const merged = mergeGenerations(
        requests.map((r) => inference.generate(target, r, gone.signal, "completions")),
        n,
      )[Symbol.asyncIterator]();
      const first = await merged.next();
      const meta = responseMeta("cmpl", parsed.model);
      const logprobs = parsed.requests[0]!.logprobs !== undefined;
      const promptOf = (choice: number) => {
        const input = parsed.requests[Math.floor(choice / n)]!.input;
        return input.kind === "completion" ? input.prompt : "";
      };
      if (!parsed.stream) {
        const all = await drain(first, merged);
        const passthrough = all.find((e) => e.type === "passthrough");
        if (passthrough) return passthrough.body;
        return toCompletion(meta, all, requests.length * n, { logprobs, ...(parsed.echo ? { echo: promptOf } : {}) });
      }
      let echoed = !parsed.echo;
      await stream(request, reply, first, merged, (e) => {
        const out: unknown[] = [];
        if (!echoed && e.type !== "passthrough") {
          echoed = true;
          for (let c = 0; c < requests.length * n; c++) {
            out.push(toCompletionChunk(meta, { type: "text", choice: c, text: promptOf(c) }, { logprobs: false, includeUsage: parsed.includeUsage }));
          }
        }
        if (e.type === "usage") {
          if (parsed.includeUsage) out.push(completionUsageChunk(meta, e.promptTokens, e.completionTokens));
        } else {
          const chunk = toCompletionChunk(meta, e, { logprobs, includeUsage: parsed.includeUsage });
          if (chunk) out.push(chunk);
        }
        return out;
      });
      return reply;
    } finally {
      gone.finished();
    }
  });

  app.post("/v1/embeddings", { config: routeConfig, bodyLimit }, async (request, reply) => {
    const parsed = parseEmbeddingRequest(request.body);
    const target = await inference.resolve(request.principal, parsed.model);
    const gone = clientGone(reply);
    try {
      const result = await inference.embed(target, { inputs: parsed.inputs, ...(parsed.dimensions ? { dimensions: parsed.dimensions } : {}) }, gone.signal);
      return toEmbeddings(parsed.model, result, parsed.encoding);
    } finally {
      gone.finished();
    }
  });
}

function apiModel(target: InferenceTarget): ApiModel {
  return target.kind === "local"
    ? { id: target.id, object: "model", created: target.created, owned_by: target.ownedBy }
    : { id: target.id, object: "model", created: 0, owned_by: "upstream" };
}

function responseMeta(prefix: string, model: string): ResponseMeta {
  return { id: `${prefix}-${randomBytes(12).toString("hex")}`, created: Math.floor(Date.now() / 1000), model };
}

async function drain(first: IteratorResult<GenerationEvent>, rest: AsyncIterator<GenerationEvent>): Promise<GenerationEvent[]> {
  const all: GenerationEvent[] = [];
  for (let r = first; !r.done; r = await rest.next()) all.push(r.value);
  return all;
}

/**
 * Writes a generation as server-sent events: each event becomes the chunks
 * `toChunks` makes of it (upstream chunks go out as they came), then
 * `data: [DONE]`. A failure after the stream started cannot change the
 * status any more: it is sent as `data: {"error": …}` (the official clients
 * raise it) and the stream ends.
 */
async function stream(
  request: FastifyRequest,
  reply: FastifyReply,
  first: IteratorResult<GenerationEvent>,
  rest: AsyncIterator<GenerationEvent>,
  toChunks: (e: GenerationEvent) => unknown[],
): Promise<void> {
  const sse = new SseWriter(request, reply);
  try {
    for (let r = first; !r.done; r = await rest.next()) {
      if (sse.closed) return;
      const e = r.value;
      if (e.type === "passthrough") {
        await sse.write(sseData(e.body));
        if ("error" in e.body) return;
        continue;
      }
      for (const chunk of toChunks(e)) await sse.write(sseData(chunk));
    }
    await sse.write(sseDone);
  } catch (err) {
    if (!sse.closed) await sse.write(sseData(streamError(request, err)));
  } finally {
    await rest.return?.();
    sse.end();
  }
}

function streamError(request: FastifyRequest, err: unknown) {
  if (err instanceof DomainError) {
    const status = err.kind === "InvalidArgument" ? 400 : err.kind === "NotFound" ? 404 : 503;
    return openAiError(status, err.message, err.code, err instanceof DetailedError ? err.details : {});
  }
  request.log.error({ err }, "generation failed mid-stream");
  return openAiError(500, "Generation failed; the server log has details (request id in X-Request-Id)");
}

/**
 * Several generations (one per prompt of `/v1/completions`) as one stream:
 * events keep their order within a generation, choice `i` of generation `p`
 * becomes choice `p·n + i`, and one `usage` event with the totals comes last.
 */
export function mergeGenerations(generations: AsyncIterable<GenerationEvent>[], n: number): AsyncIterable<GenerationEvent> {
  if (generations.length === 1) return generations[0]!;
  const iterators = generations.map((g) => g[Symbol.asyncIterator]());
  const queue = new AsyncQueue<GenerationEvent>(() => {
    for (const it of iterators) void it.return?.();
  });
  let prompt = 0;
  let completion = 0;
  void Promise.all(
    iterators.map(async (it, p) => {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const e = r.value;
        if (e.type === "usage") {
          prompt += e.promptTokens;
          completion += e.completionTokens;
        } else if (e.type === "passthrough") queue.push(e);
        else queue.push({ ...e, choice: p * n + e.choice });
      }
    }),
  ).then(
    () => {
      queue.push({ type: "usage", promptTokens: prompt, completionTokens: completion });
      queue.end();
    },
    (err) => queue.fail(err),
  );
  return queue;
}
