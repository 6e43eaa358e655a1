/**
 * GGUF and ggml constants, as defined by ggml's `docs/gguf.md`, `ggml/include/ggml.h`
 * and `gguf-py/gguf/constants.py` (llama.cpp as bundled with node-llama-cpp 3.22.1).
 */

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;
/** ggml's `GGML_MAX_DIMS`. */
export const GGML_MAX_DIMS = 4;
/** ggml's `GGML_MAX_NAME`: a tensor name must be shorter than this (it is NUL-terminated in a 64-byte field). */
export const GGML_MAX_NAME = 64;

/** Metadata value types; the index is the GGUF type id. */
export const ggufValueTypes = ["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"] as const;
export type GgufValueType = (typeof ggufValueTypes)[number];
export type GgufScalarType = Exclude<GgufValueType, "array">;

/** Size in bytes of each fixed-size value type. */
export const ggufScalarSize: Record<Exclude<GgufScalarType, "string">, number> = {
  u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, bool: 1, u64: 8, i64: 8, f64: 8,
};

export interface GgmlTypeInfo {
  readonly id: number;
  readonly name: string;
  /** Values per block. */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly typeSize: number;
}

const QK_K = 256;
/** Every tensor type a GGUF file may hold (ids of removed types are absent: ggml rejects them). */
export const ggmlTypes: readonly GgmlTypeInfo[] = [
  [0, "F32", 1, 4],
  [1, "F16", 1, 2],
  [2, "Q4_0", 32, 2 + 16],
  [3, "Q4_1", 32, 2 + 2 + 16],
  [6, "Q5_0", 32, 2 + 4 + 16],
  [7, "Q5_1", 32, 2 + 2 + 4 + 16],
  [8, "Q8_0", 32, 2 + 32],
  [9, "Q8_1", 32, 2 + 2 + 32],
  [10, "Q2_K", QK_K, 2 + 2 + QK_K / 16 + QK_K / 4],
  [11, "Q3_K", QK_K, 2 + QK_K / 4 + QK_K / 8 + 12],
  [12, "Q4_K", QK_K, 2 + 2 + QK_K / 2 + 12],
  [13, "Q5_K", QK_K, 2 + 2 + QK_K / 2 + QK_K / 8 + 12],
  [14, "Q6_K", QK_K, 2 + QK_K / 2 + QK_K / 4 + QK_K / 16],
  [15, "Q8_K", QK_K, 4 + QK_K + QK_K / 8],
  [16, "IQ2_XXS", QK_K, 2 + QK_K / 4],
  [17, "IQ2_XS", QK_K, 2 + QK_K / 4 + QK_K / 32],
  [18, "IQ3_XXS", QK_K, 2 + QK_K / 4 + QK_K / 8],
  [19, "IQ1_S", QK_K, 2 + QK_K / 8 + QK_K / 16],
  [20, "IQ4_NL", 32, 2 + 16],
  [21, "IQ3_S", QK_K, 2 + QK_K / 4 + QK_K / 8 + QK_K / 32 + 4],
  [22, "IQ2_S", QK_K, 2 + QK_K / 4 + QK_K / 16],
  [23, "IQ4_XS", QK_K, 2 + 2 + QK_K / 2 + QK_K / 64],
  [24, "I8", 1, 1],
  [25, "I16", 1, 2],
  [26, "I32", 1, 4],
  [27, "I64", 1, 8],
  [28, "F64", 1, 8],
  [29, "IQ1_M", QK_K, QK_K / 8 + QK_K / 16 + QK_K / 32],
  [30, "BF16", 1, 2],
  [34, "TQ1_0", QK_K, 2 + 4 * 13],
  [35, "TQ2_0", QK_K, 2 + 64],
  [39, "MXFP4", 32, 1 + 16],
  [40, "NVFP4", 64, 4 + 32],
  [41, "Q1_0", 128, 2 + 16],
  [42, "Q2_0", 64, 2 + 16],
].map(([id, name, blockSize, typeSize]) => ({ id, name, blockSize, typeSize }) as GgmlTypeInfo);

/** ggml's `GGML_TYPE_COUNT`: ids at or above it are rejected by ggml. */
export const GGML_TYPE_COUNT = 43;

const typesById = new Map(ggmlTypes.map((t) => [t.id, t]));
const typesByName = new Map(ggmlTypes.map((t) => [t.name, t]));

export function ggmlTypeById(id: number): GgmlTypeInfo | undefined {
  return typesById.get(id);
}

export function ggmlType(name: string): GgmlTypeInfo {
  const t = typesByName.get(name);
  if (t === undefined) throw new Error(`unknown ggml type ${name}`);
  return t;
}

/** Bytes a tensor of this shape takes (ne[0] must be a multiple of the block size). */
export function tensorBytes(type: GgmlTypeInfo, shape: readonly number[]): number {
  const elements = shape.reduce((a, b) => a * b, 1);
  return (elements / type.blockSize) * type.typeSize;
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

/** `general.file_type` values (llama.cpp's `llama_ftype`) → the quantization name people use. */
export const fileTypeNames: Readonly<Record<number, string>> = {
  0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
  11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M",
  18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S",
  25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M",
  32: "BF16", 36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4_MOE", 39: "NVFP4", 40: "Q1_0", 41: "Q2_0",
};

/** The `general.file_type` to write for files whose matrices are all of one type. */
export const fileTypeFor: Readonly<Record<string, number>> = { F32: 0, F16: 1, Q8_0: 7, BF16: 32 };

/** `<arch>.pooling_type` values (llama.cpp's `llama_pooling_type`). */
export const poolingTypes = ["none", "mean", "cls", "last", "rank"] as const;
export type PoolingType = (typeof poolingTypes)[number];

/** Architectures that are embedding models whatever their metadata says (encoders). */
export const embeddingArchitectures: ReadonlySet<string> = new Set([
  "bert", "nomic-bert", "nomic-bert-moe", "jina-bert-v2", "jina-bert-v3", "modern-bert", "neo-bert", "eurobert", "t5encoder",
  "gemma-embedding", "llama-embed",
]);
