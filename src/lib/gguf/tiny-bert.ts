/**
 * A tiny `bert` embedding model (WordPiece vocabulary, mean pooling) with random weights: what
 * node-llama-cpp's `createEmbeddingContext()` and the `/v1/embeddings` tests need. Tensor layout from
 * llama.cpp src/models/bert.cpp.
 */
import { Rng } from "./random.js";
import type { GgufValue } from "./types.js";
import { bertTokenizerMetadata, bertVocab } from "./vocab.js";
import { writeGguf, type GgufTensor } from "./writer.js";

export interface TinyBertOptions {
  /** Default 1. */
  seed?: number;
  /** Embedding dimension (the length of the vectors), a multiple of 32; default 64. */
  dims?: number;
}

export async function writeTinyBert(file: string, opts: TinyBertOptions = {}): Promise<void> {
  const embd = opts.dims ?? 64;
  if (!Number.isSafeInteger(embd) || embd < 32 || embd % 32 !== 0) throw new Error("dims must be a positive multiple of 32");
  const layers = 2;
  const heads = Math.max(1, embd / 32);
  const ff = embd * 2;
  const contextLength = 512;
  const vocab = bertVocab();
  const nVocab = vocab.length;
  const rng = new Rng(opts.seed ?? 1);

  const matrix = (name: string, cols: number, rows: number): GgufTensor => ({ name, shape: [cols, rows], type: "F16", data: rng.floats(cols * rows, 0.1) });
  const vector = (name: string, n: number, fill: number | "random"): GgufTensor => ({
    name, shape: [n], type: "F32", data: fill === "random" ? rng.floats(n, 0.02) : new Float32Array(n).fill(fill),
  });
  const tensors: GgufTensor[] = [
    matrix("token_embd.weight", embd, nVocab),
    // F32, like llama.cpp's converter writes it: it is added straight into the F32 activations.
    { name: "token_types.weight", shape: [embd, 2], type: "F32", data: rng.floats(embd * 2, 0.1) },
    matrix("position_embd.weight", embd, contextLength),
    vector("token_embd_norm.weight", embd, 1),
    vector("token_embd_norm.bias", embd, 0),
  ];
  for (let i = 0; i < layers; i++) {
    tensors.push(
      matrix(`blk.${i}.attn_q.weight`, embd, embd),
      vector(`blk.${i}.attn_q.bias`, embd, "random"),
      matrix(`blk.${i}.attn_k.weight`, embd, embd),
      vector(`blk.${i}.attn_k.bias`, embd, "random"),
      matrix(`blk.${i}.attn_v.weight`, embd, embd),
      vector(`blk.${i}.attn_v.bias`, embd, "random"),
      matrix(`blk.${i}.attn_output.weight`, embd, embd),
      vector(`blk.${i}.attn_output.bias`, embd, "random"),
      vector(`blk.${i}.attn_output_norm.weight`, embd, 1),
      vector(`blk.${i}.attn_output_norm.bias`, embd, 0),
      matrix(`blk.${i}.ffn_up.weight`, embd, ff),
      vector(`blk.${i}.ffn_up.bias`, ff, "random"),
      matrix(`blk.${i}.ffn_down.weight`, ff, embd),
      vector(`blk.${i}.ffn_down.bias`, embd, "random"),
      vector(`blk.${i}.layer_output_norm.weight`, embd, 1),
      vector(`blk.${i}.layer_output_norm.bias`, embd, 0),
    );
  }

  const metadata: Array<[string, GgufValue]> = [
    ["general.architecture", { type: "string", value: "bert" }],
    ["general.name", { type: "string", value: "modelport-tiny-bert" }],
    ["general.description", { type: "string", value: `Modelport test model: random-weight BERT embeddings (seed ${opts.seed ?? 1})` }],
    ["general.file_type", { type: "u32", value: 1 }],
    ["bert.context_length", { type: "u32", value: contextLength }],
    ["bert.embedding_length", { type: "u32", value: embd }],
    ["bert.block_count", { type: "u32", value: layers }],
    ["bert.feed_forward_length", { type: "u32", value: ff }],
    ["bert.attention.head_count", { type: "u32", value: heads }],
    ["bert.attention.layer_norm_epsilon", { type: "f32", value: 1e-12 }],
    ["bert.attention.causal", { type: "bool", value: false }],
    ["bert.pooling_type", { type: "u32", value: 1 }],
    ...bertTokenizerMetadata(vocab),
  ];
  await writeGguf(file, { metadata, tensors });
}
