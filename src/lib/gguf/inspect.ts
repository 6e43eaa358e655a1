/**
 * What the hub needs to know about a GGUF file, read cheaply (metadata only) and only after the file
 * passed every check of `readGguf`.
 */
import { embeddingArchitectures, fileTypeNames, poolingTypes, type PoolingType } from "./constants.js";
import { metadataNumber, metadataString, readGguf } from "./reader.js";
import type { GgufFile } from "./types.js";

export interface GgufSummary {
  /** GGUF format version (2 or 3). */
  version: number;
  /** `general.architecture`, e.g. "llama", "qwen2", "bert"; null when absent (llama.cpp cannot load it). */
  architecture: string | null;
  /** `general.name`. */
  name: string | null;
  /** Embedding models: encoder architectures (bert, nomic-bert, …) or any with a `<arch>.pooling_type` other than none. */
  kind: "text-generation" | "embedding";
  /** `<arch>.pooling_type`, when set. */
  poolingType: PoolingType | null;
  /** Sum of the elements of every tensor. */
  parameters: number;
  /**
   * The quantization people name the file by: from `general.file_type` when present (e.g. "Q4_K_M"),
   * else the type of the matrices (tensors with 2+ dimensions) when they share one, else "mixed".
   */
  quantization: string;
  /** Number of tensors per ggml type, e.g. `{ Q8_0: 16, F32: 5 }`. */
  tensorTypes: Record<string, number>;
  tensorCount: number;
  /** `<arch>.context_length` (the training context). */
  contextLength: number | null;
  /** `<arch>.embedding_length` (also the length of embedding vectors). */
  embeddingLength: number | null;
  /** `<arch>.block_count`. */
  blockCount: number | null;
  /** `tokenizer.ggml.model`, e.g. "llama", "gpt2", "bert". */
  tokenizer: string | null;
  /** Number of tokens in the vocabulary. */
  vocabSize: number | null;
  hasChatTemplate: boolean;
  /** `tokenizer.chat_template` (Jinja). */
  chatTemplate: string | null;
  fileSize: number;
  /** Bytes of header, metadata and tensor infos (where the tensor data starts). */
  dataOffset: number;
}

/**
 * Validates a GGUF file and summarizes it. Reads only the header, metadata and tensor infos, in bounded
 * chunks, so it is cheap on a multi-GB file. Throws `DomainError("InvalidArgument", reason)` when the file
 * is not a GGUF file llama.cpp can safely open.
 */
export async function inspectGguf(file: string): Promise<GgufSummary> {
  return summarizeGguf(await readGguf(file, { maxArrayItems: 64 }));
}

/** The summary of a GGUF file already read (by `readGguf` or `readGgufFrom`). */
export function summarizeGguf(gguf: GgufFile): GgufSummary {
  const { metadata, tensors } = gguf;
  const architecture = metadataString(metadata.get("general.architecture"));
  const arch = (key: string) => (architecture === null ? undefined : metadata.get(`${architecture}.${key}`));

  const pooling = metadataNumber(arch("pooling_type"));
  const poolingType = pooling === null ? null : (poolingTypes[pooling] ?? null);
  const isEmbedding = (architecture !== null && embeddingArchitectures.has(architecture)) || (poolingType !== null && poolingType !== "none");

  const tensorTypes: Record<string, number> = {};
  const matrixTypes = new Set<string>();
  let parameters = 0;
  for (const t of tensors) {
    tensorTypes[t.type] = (tensorTypes[t.type] ?? 0) + 1;
    if (t.shape.filter((ne) => ne > 1).length >= 2) matrixTypes.add(t.type);
    parameters += t.elements;
  }
  const fileType = metadataNumber(metadata.get("general.file_type"));
  const quantization =
    (fileType !== null ? fileTypeNames[fileType] : undefined) ??
    (matrixTypes.size === 1 ? [...matrixTypes][0]! : matrixTypes.size === 0 && tensors.length > 0 ? tensors[0]!.type : "mixed");

  const chatTemplate = metadataString(metadata.get("tokenizer.chat_template"));
  return {
    version: gguf.version,
    architecture,
    name: metadataString(metadata.get("general.name")),
    kind: isEmbedding ? "embedding" : "text-generation",
    poolingType,
    parameters,
    quantization,
    tensorTypes,
    tensorCount: tensors.length,
    contextLength: metadataNumber(arch("context_length")),
    embeddingLength: metadataNumber(arch("embedding_length")),
    blockCount: metadataNumber(arch("block_count")),
    tokenizer: metadataString(metadata.get("tokenizer.ggml.model")),
    vocabSize: gguf.tokenCount ?? metadataNumber(arch("vocab_size")),
    hasChatTemplate: chatTemplate !== null && chatTemplate.length > 0,
    chatTemplate,
    fileSize: gguf.fileSize,
    dataOffset: gguf.dataOffset,
  };
}
