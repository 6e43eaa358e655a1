/**
 * Random-weight llama models: real architecture and sizes, deterministic weights from a seed. Tiny ones
 * are for load/throughput/grammar tests; big ones (e.g. embd 1536, 16 layers, Q8_0 ≈ 480 MB) for
 * benchmarks. Tensor data is generated while it is written, so memory stays flat whatever the size.
 */
import { llamaHyperparameters } from "./llama-metadata.js";
import { fileTypeFor } from "./constants.js";
import { Rng, randomTensorChunks } from "./random.js";
import type { GgufValue } from "./types.js";
import { SPACE, baseLlamaVocab, llamaTokenizerMetadata } from "./vocab.js";
import { writeGguf, type GgufTensor } from "./writer.js";

export interface RandomLlamaOptions {
  /** Storage type of the matrices (norms stay F32). */
  type: "F32" | "F16" | "Q8_0";
  /** `n_embd`, default 64. A multiple of 32 (Q8_0 blocks). */
  embd?: number;
  /** Default 2. */
  layers?: number;
  /** Attention heads, default embd/64 (at least 1; embd/16 below 128). */
  heads?: number;
  /** Feed-forward width, default 8/3·embd rounded up to a multiple of 32. */
  ff?: number;
  /** Only "tiny" for now: the byte-fallback ASCII vocabulary of the scripted model (356 tokens). */
  vocab?: "tiny";
  /** `llama.context_length`, default 4096. */
  contextLength?: number;
  /** Default 1. */
  seed?: number;
}

/** Standard deviation-ish scale of the weights (uniform in ±WEIGHT_SCALE). */
const WEIGHT_SCALE = 0.035;

export async function writeRandomLlama(file: string, opts: RandomLlamaOptions): Promise<void> {
  const embd = opts.embd ?? 64;
  const layers = opts.layers ?? 2;
  const heads = opts.heads ?? (embd >= 128 ? Math.max(1, Math.floor(embd / 64)) : Math.max(1, Math.floor(embd / 16)));
  const ff = opts.ff ?? Math.ceil((embd * 8) / 3 / 32) * 32;
  const contextLength = opts.contextLength ?? 4096;
  const { type } = opts;
  if (!["F32", "F16", "Q8_0"].includes(type)) throw new Error(`type must be F32, F16 or Q8_0, not ${String(type)}`);
  if ((opts.vocab ?? "tiny") !== "tiny") throw new Error(`unknown vocabulary ${opts.vocab}`);
  for (const [name, v] of [["embd", embd], ["layers", layers], ["heads", heads], ["ff", ff], ["contextLength", contextLength]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  }
  if (embd % 32 !== 0 || ff % 32 !== 0) throw new Error("embd and ff must be multiples of 32");
  if (embd % heads !== 0 || (embd / heads) % 2 !== 0) throw new Error("embd must split into heads of an even size");

  const vocab = baseLlamaVocab();
  const nVocab = vocab.length;
  // Control tokens, then the 256 byte tokens, then "▁" and printable ASCII.
  const silent = vocab.findIndex((t) => t.text === SPACE);
  const rng = new Rng(opts.seed ?? 1);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const random = (name: string, rowLength: number, rows: number, scale = WEIGHT_SCALE): GgufTensor => ({
    name, shape: [rowLength, rows], type, data: () => randomTensorChunks(rng, type, rowLength, rows, scale),
  });
  // Output rows of the control and byte tokens are zero, so their logit is 0 while the others spread over
  // ±3: greedy decoding never ends the generation nor emits broken UTF-8, and sampling rarely does.
  const rowBytes = type === "F32" ? embd * 4 : type === "F16" ? embd * 2 : (embd / 32) * 34;
  const output: GgufTensor = {
    name: "output.weight", shape: [embd, nVocab], type,
    data: function* () {
      yield new Uint8Array(silent * rowBytes);
      yield* randomTensorChunks(rng, type, embd, nVocab - silent, 3 / Math.sqrt(embd));
    },
  };

  const tensors: GgufTensor[] = [
    random("token_embd.weight", embd, nVocab),
    { name: "output_norm.weight", shape: [embd], type: "F32", data: ones(embd) },
    output,
  ];
  for (let i = 0; i < layers; i++) {
    tensors.push(
      { name: `blk.${i}.attn_norm.weight`, shape: [embd], type: "F32", data: ones(embd) },
      random(`blk.${i}.attn_q.weight`, embd, embd),
      random(`blk.${i}.attn_k.weight`, embd, embd),
      random(`blk.${i}.attn_v.weight`, embd, embd),
      random(`blk.${i}.attn_output.weight`, embd, embd),
      { name: `blk.${i}.ffn_norm.weight`, shape: [embd], type: "F32", data: ones(embd) },
      random(`blk.${i}.ffn_gate.weight`, embd, ff),
      random(`blk.${i}.ffn_up.weight`, embd, ff),
      random(`blk.${i}.ffn_down.weight`, ff, embd),
    );
  }

  const metadata: Array<[string, GgufValue]> = [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: `modelport-random-${type.toLowerCase()}` }],
    ["general.description", { type: "string", value: `Modelport test model: random weights (seed ${opts.seed ?? 1})` }],
    ["general.file_type", { type: "u32", value: fileTypeFor[type]! }],
    ...(type === "Q8_0" ? [["general.quantization_version", { type: "u32", value: 2 }] as [string, GgufValue]] : []),
    ...llamaHyperparameters({ contextLength, embd, layers, ff, heads, nVocab }),
    ...llamaTokenizerMetadata(vocab),
  ];
  await writeGguf(file, { metadata, tensors });
}
