import type { LlamaEmbeddingContext, LlamaModel } from "node-llama-cpp";
import type { EmbeddingRequest } from "../engine.js";
import { WorkerRequestError } from "./worker-errors.js";

/**
 * Embeddings inside a model worker. Each node-llama-cpp embedding context
 * evaluates one input at a time (serving.md §1.6), so the worker keeps a small
 * pool of them and spreads a batch's inputs across it. Vectors come back
 * L2-normalized, as OpenAI's do (node-llama-cpp's are not).
 */
export class EmbeddingRuntime {
  private readonly free: LlamaEmbeddingContext[];
  private readonly waiting: ((c: LlamaEmbeddingContext) => void)[] = [];

  constructor(
    private readonly model: LlamaModel,
    contexts: LlamaEmbeddingContext[],
    readonly contextSize: number,
  ) {
    this.free = [...contexts];
  }

  async embed(request: EmbeddingRequest, signal: AbortSignal): Promise<{ vectors: Float32Array[]; promptTokens: number }> {
    const tokenized = request.inputs.map((text) => this.model.tokenize(text));
    tokenized.forEach((tokens, i) => {
      // Special tokens ([CLS], [SEP]) are added by the context; leave room for them.
      if (tokens.length + 2 > this.contextSize) {
        throw new WorkerRequestError("InvalidArgument", `Input ${i} has ${tokens.length} tokens; this model reads at most ${this.contextSize - 2}`, "input");
      }
    });
    const vectors = await Promise.all(
      request.inputs.map(async (text) => {
        const context = await this.acquire();
        try {
          if (signal.aborted) throw signal.reason;
          const { vector } = await context.getEmbeddingFor(text);
          return unit(vector, request.dimensions);
        } finally {
          this.release(context);
        }
      }),
    );
    return { vectors, promptTokens: tokenized.reduce((sum, t) => sum + t.length, 0) };
  }

  private acquire(): Promise<LlamaEmbeddingContext> {
    const c = this.free.pop();
    return c ? Promise.resolve(c) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(c: LlamaEmbeddingContext): void {
    const next = this.waiting.shift();
    if (next) next(c);
    else this.free.push(c);
  }
}

/** The vector (cut to `dimensions` when asked) scaled to length 1. */
function unit(vector: readonly number[], dimensions: number | undefined): Float32Array {
  const out = Float32Array.from(dimensions !== undefined ? vector.slice(0, dimensions) : vector);
  let norm = 0;
  for (const v of out) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}
