import type { GgufSummary } from "../../lib/gguf/index.js";

/**
 * Memory a model will take once loaded, estimated before loading it so the
 * memory budget can make room first. Once loaded, the worker reports what
 * node-llama-cpp really allocated and that figure replaces this one.
 *
 * weights ≈ file size (mmapped, all of it is read while generating), plus the
 * KV cache: `sequences × contextSize × n_layer × 2 × n_embd_kv × 2 bytes` (f16)
 * (serving.md §1.2), taking `n_embd_kv = n_embd` (no grouped-query
 * attention): an upper bound. Without the layer shape in the metadata, the
 * shape is derived from the parameter count with the proportions of common
 * decoder models (params ≈ 12·L·E², L ≈ E/128).
 */
export function estimateModelMemory(
  fileBytes: number,
  summary: Pick<GgufSummary, "parameters" | "kind" | "blockCount" | "embeddingLength" | "contextLength">,
  sequences: number,
  contextSize: number,
): number {
  const ctx = Math.min(contextSize, summary.contextLength ?? contextSize);
  const width = summary.embeddingLength ?? Math.cbrt((Math.max(summary.parameters, 1) * 128) / 12);
  const layers = summary.blockCount ?? Math.max(1, width / 128);
  const kv = sequences * ctx * 2 * layers * width * 2;
  // Compute buffers and runtime overhead: a fixed share plus a floor.
  return Math.ceil(fileBytes * 1.05 + kv + 32 * 1024 ** 2);
}
