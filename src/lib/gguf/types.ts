import type { GgufScalarType } from "./constants.js";

export type GgufScalar = number | bigint | boolean | string;

/**
 * A metadata value as the writer takes it: 64-bit integers are bigints, other numbers are numbers.
 * Arrays hold scalars of one type (GGUF has no nested arrays that ggml accepts).
 */
export type GgufValue =
  | { type: "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "f64"; value: number }
  | { type: "u64" | "i64"; value: bigint }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "array"; itemType: GgufScalarType; items: readonly GgufScalar[] };

/** A metadata value as the reader returns it: arrays carry their length, and their items unless they were skipped. */
export type GgufReadValue =
  | Exclude<GgufValue, { type: "array" }>
  | { type: "array"; itemType: GgufScalarType; length: number; items: GgufScalar[] | null };

/** One tensor's description in the file. */
export interface GgufTensorInfo {
  name: string;
  /** ggml order: the innermost (contiguous) dimension first. */
  shape: number[];
  /** ggml type name, e.g. "F16", "Q8_0". */
  type: string;
  /** Offset of the data relative to the start of the data section. */
  offset: number;
  /** Bytes of data. */
  size: number;
  elements: number;
}

/** A parsed and structurally validated GGUF file (metadata only: tensor data is never read). */
export interface GgufFile {
  version: number;
  alignment: number;
  metadata: Map<string, GgufReadValue>;
  tensors: GgufTensorInfo[];
  /** Absolute file offset where the tensor data section starts. */
  dataOffset: number;
  fileSize: number;
  /** Number of tokens in `tokenizer.ggml.tokens`, when present (validated unique and non-empty unless read with `checks: "structure"`). */
  tokenCount: number | null;
}
