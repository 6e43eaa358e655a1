import type { UpstreamRoute } from "../../config/registry.js";
import { DomainError } from "../../lib/domain-error.js";
import { DetailedError } from "../../lib/error-details.js";
import type { EmbeddingRequest, EmbeddingResult, Engine, GenerationEvent, GenerationRequest } from "../engine.js";
import type { EngineLog } from "../local/worker-process.js";
import { readSseData } from "./sse.js";

/** A model id routed to an upstream: where, and under which name the upstream knows it. */
export interface UpstreamTarget {
  route: UpstreamRoute;
  /** The model name sent upstream. */
  upstreamModel: string;
  /** The id the caller used; answers carry it back in `model`. */
  requested: string;
}

/**
 * The model id `id` as routed by the first matching route: exact patterns,
 * or one `*` that matches any run of characters (`vllm/*`). The upstream
 * model name is the route's `model` (its `*` replaced by what the pattern's
 * `*` matched), or the id itself.
 */
export function matchUpstream(routes: readonly UpstreamRoute[], id: string): UpstreamTarget | undefined {
  for (const route of routes) {
    const star = route.pattern.indexOf("*");
    let matched: string | undefined;
    if (star < 0) {
      if (route.pattern === id) matched = "";
    } else {
      const head = route.pattern.slice(0, star);
      const tail = route.pattern.slice(star + 1);
      if (id.length >= head.length + tail.length && id.startsWith(head) && id.endsWith(tail)) {
        matched = id.slice(head.length, id.length - tail.length);
      }
    }
    if (matched === undefined) continue;
    const upstreamModel = route.model === undefined ? id : route.model.replace("*", matched);
    return { route, upstreamModel, requested: id };
  }
  return undefined;
}

/**
 * Any OpenAI-compatible server as an engine: vLLM, SGLang, llama-server,
 * KServe (base URL ending in `/openai/v1`), Ray Serve, TGI's messages API or
 * another Modelport. The client's request body is forwarded as sent, with only
 * `model` rewritten; answers and stream chunks come back unchanged except for
 * `model`, which names what the caller asked for. The caller's credentials
 * never leave the hub: the route's own key (if any) authenticates upstream.
 */
export class UpstreamEngine implements Engine<UpstreamTarget> {
  private constructor(private readonly log: EngineLog) {}

  static async create(options: { log: EngineLog }): Promise<UpstreamEngine> {
    return new UpstreamEngine(options.log);
  }

  async *generate(target: UpstreamTarget, request: GenerationRequest, signal: AbortSignal): AsyncIterable<GenerationEvent> {
    const endpoint = request.input.kind === "chat" ? "chat/completions" : "completions";
    const body: Record<string, unknown> = { ...(request.wire ?? {}), model: target.upstreamModel };
    const res = await this.post(target, endpoint, body, signal);
    if (body.stream !== true) {
      yield { type: "passthrough", body: renamed(await res.json(), target.requested) };
      return;
    }
    if (!res.body) throw new DomainError("Unavailable", "The upstream answered without a body");
    for await (const data of readSseData(res.body)) {
      if (data.trim() === "[DONE]") return;
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        throw new Error(`upstream ${target.route.pattern} sent a stream event that is not JSON`);
      }
      yield { type: "passthrough", body: renamed(chunk, target.requested) };
    }
  }

  async embed(target: UpstreamTarget, request: EmbeddingRequest, signal: AbortSignal): Promise<EmbeddingResult> {
    const body = {
      model: target.upstreamModel,
      input: request.inputs,
      encoding_format: "float",
      ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}),
    };
    const res = await this.post(target, "embeddings", body, signal);
    const json = (await res.json()) as { data?: { index?: number; embedding?: unknown }[]; usage?: { prompt_tokens?: number } };
    const data = Array.isArray(json.data) ? [...json.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)) : [];
    if (data.length !== request.inputs.length || !data.every((d) => Array.isArray(d.embedding))) {
      throw new Error(`upstream ${target.route.pattern} answered embeddings in an unexpected shape`);
    }
    return {
      // Normalized again: OpenAI's are unit vectors, not every server's are.
      vectors: data.map((d) => normalize(Float32Array.from(d.embedding as number[]))),
      promptTokens: json.usage?.prompt_tokens ?? 0,
    };
  }

  async dispose(): Promise<void> {}

  private async post(target: UpstreamTarget, endpoint: string, body: Record<string, unknown>, signal: AbortSignal): Promise<Response> {
    const { route } = target;
    let res: Response;
    try {
      res = await fetch(`${route.baseURL}/${endpoint}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: body.stream === true ? "text/event-stream" : "application/json",
          ...(route.apiKey ? { authorization: `Bearer ${route.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw err;
      this.log.warn({ upstream: route.pattern, baseURL: route.baseURL, err: (err as Error).message }, "upstream unreachable");
      throw new DetailedError("Unavailable", `The upstream serving ${target.requested} cannot be reached; retry later`, { retryAfterSeconds: 5 });
    }
    if (!res.ok) throw await upstreamError(res, target, this.log);
    return res;
  }
}

/**
 * An upstream's error as ours: client errors keep the upstream's message and
 * `param` (the request was forwarded as sent); a refused key or an upstream
 * failure is the deployment's problem, reported as 503 without its details.
 */
async function upstreamError(res: Response, target: UpstreamTarget, log: EngineLog): Promise<Error> {
  const text = await res.text().catch(() => "");
  let message = "";
  let param: string | undefined;
  try {
    const e = (JSON.parse(text) as { error?: { message?: unknown; param?: unknown } | string; message?: unknown }).error;
    if (typeof e === "string") message = e;
    else if (e && typeof e.message === "string") {
      message = e.message;
      if (typeof e.param === "string") param = e.param;
    }
  } catch {
    message = text.slice(0, 500);
  }
  const retryAfter = Number(res.headers.get("retry-after"));
  switch (true) {
    case res.status === 400 || res.status === 422:
      return new DetailedError("InvalidArgument", message || "The upstream refused the request", param ? { param } : {});
    case res.status === 404:
      return new DetailedError("NotFound", `The model \`${target.requested}\` does not exist or you do not have access to it.`, { apiCode: "model_not_found" });
    case res.status === 413:
      return new DomainError("TooLarge", message || "The request is too large for the upstream");
    case res.status === 429 || res.status === 503:
      return new DetailedError("Unavailable", `The upstream serving ${target.requested} is busy; retry later`, {
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1,
      });
    default:
      log.error({ upstream: target.route.pattern, status: res.status, body: text.slice(0, 1000) }, "upstream request failed");
      return new DomainError("Unavailable", `The upstream serving ${target.requested} failed (HTTP ${res.status})`);
  }
}

function renamed(body: unknown, model: string): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("upstream answered something other than a JSON object");
  const out = body as Record<string, unknown>;
  return "model" in out ? { ...out, model } : out;
}

function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}
