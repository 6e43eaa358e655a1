import type { GgufValue } from "./types.js";

/** Shape of a llama model, as the `llama.*` metadata keys llama.cpp requires state it (serving.md §2.3). */
export interface LlamaShape {
  contextLength: number;
  embd: number;
  layers: number;
  ff: number;
  heads: number;
  nVocab: number;
}

/** The `llama.*` hyperparameter keys of a test model: plain multi-head attention, rope over the whole head. */
export function llamaHyperparameters(s: LlamaShape): Array<[string, GgufValue]> {
  return [
    ["llama.context_length", { type: "u32", value: s.contextLength }],
    ["llama.embedding_length", { type: "u32", value: s.embd }],
    ["llama.block_count", { type: "u32", value: s.layers }],
    ["llama.feed_forward_length", { type: "u32", value: s.ff }],
    ["llama.attention.head_count", { type: "u32", value: s.heads }],
    ["llama.attention.head_count_kv", { type: "u32", value: s.heads }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "f32", value: 1e-5 }],
    ["llama.rope.freq_base", { type: "f32", value: 10000 }],
    ["llama.rope.dimension_count", { type: "u32", value: s.embd / s.heads }],
    ["llama.vocab_size", { type: "u32", value: s.nVocab }],
  ];
}
