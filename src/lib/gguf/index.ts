/**
 * The GGUF toolkit: a streaming writer, a bounded reader that validates what llama.cpp would choke on,
 * a summary for the hub, and the generators of the project's own test models (docs/models.md).
 */
export { inspectGguf, summarizeGguf, type GgufSummary } from "./inspect.js";
export { readGguf, readGgufFrom, type GgufByteSource, type ReadGgufOptions } from "./reader.js";
export { encodeGgufHeader, writeGguf, type GgufContents, type GgufTensor, type TensorChunks, type TensorLayout } from "./writer.js";
export type { GgufFile, GgufReadValue, GgufScalar, GgufTensorInfo, GgufValue } from "./types.js";
export { DEFAULT_SCRIPTED_ANSWER, MAX_SCRIPTED_TOKENS, scriptedAnswerTokens, writeScriptedLlama, type ScriptedLlamaOptions } from "./scripted-llama.js";
export { writeRandomLlama, type RandomLlamaOptions } from "./random-llama.js";
export { writeTinyBert, type TinyBertOptions } from "./tiny-bert.js";
export { writeBrokenLlama, type GgufFlaw } from "./broken-llama.js";
