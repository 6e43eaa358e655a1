/**
 * The "scripted" tiny llama: a real llama GGUF whose weights make it answer one fixed text and then
 * `<|im_end|>`, for any prompt, temperature and seed (serving.md §0.3).
 *
 * How: the attention output and FFN down projections are zero, so every block is the identity on the
 * residual stream and the logits depend only on the last token: `output · rmsnorm(token_embd[last])`.
 * Each token's embedding is a one-hot "state": state 0 for every token of the prompt, state i for the
 * i-th answer token. The output matrix maps state 0 to the first answer token, state i to answer token
 * i+1, and the last state to `<|im_end|>`, with a logit margin of 100 — no sampler setting (temperature ≤ 2,
 * top-k/p, penalties) can pick anything else.
 *
 * That needs every answer token to be its own vocabulary entry, and none of them may ever come out of
 * tokenizing a prompt (or a prompt ending in it would jump into the middle of the answer). The answer is
 * cut into word pieces (`"Hello"`, `" world"`, `"!"`):
 * - a piece of 3+ characters that is not yet in the vocabulary becomes one normal token (unreachable by
 *   tokenization, see `vocab.ts`);
 * - a shorter or repeated piece is merged with the following ones until it qualifies;
 * - whatever is left at the end (or any piece containing `▁`) becomes byte tokens: tokens of type BYTE
 *   whose text is `<0xHH:n>` (n makes it unique). llama.cpp decodes a byte token from characters 3–4 of its
 *   text, and looks byte tokens up by the exact `<0xHH>` text when tokenizing, so these output the right
 *   byte but are never produced from text.
 */
import { llamaHyperparameters } from "./llama-metadata.js";
import { writeGguf, type GgufTensor } from "./writer.js";
import { SPACE, TokenType, baseLlamaVocab, byteTokenText, llamaSpecialIds, llamaTokenizerMetadata, type VocabToken } from "./vocab.js";
import type { GgufValue } from "./types.js";

export const DEFAULT_SCRIPTED_ANSWER = "Hello world!";
/** Longest answer accepted, in tokens (the embedding width grows with it). */
export const MAX_SCRIPTED_TOKENS = 1024;
const LOGIT = 100;

export interface ScriptedLlamaOptions {
  /** The text the model answers, for any prompt. Default "Hello world!". */
  answer?: string;
  /** `llama.context_length`. Default 4096. */
  contextLength?: number;
}

interface AnswerToken {
  /** The vocabulary entry. */
  token: VocabToken;
  /** What llama.cpp outputs for it. */
  bytes: Uint8Array;
}

/** Writes the scripted model to `file`. */
export async function writeScriptedLlama(file: string, opts: ScriptedLlamaOptions = {}): Promise<void> {
  const answer = opts.answer ?? DEFAULT_SCRIPTED_ANSWER;
  const contextLength = opts.contextLength ?? 4096;
  const vocab = baseLlamaVocab();
  const pieces = answerTokens(answer, new Set(vocab.map((t) => t.text)));
  if (pieces.length > MAX_SCRIPTED_TOKENS) throw new Error(`the answer needs ${pieces.length} tokens; the scripted model supports at most ${MAX_SCRIPTED_TOKENS}`);
  const firstAnswerId = vocab.length;
  vocab.push(...pieces.map((p) => p.token));

  const states = pieces.length + 1;
  const embd = Math.max(32, Math.ceil(states / 32) * 32);
  const ff = 32;
  const heads = embd / 32;
  const nVocab = vocab.length;

  // token_embd: row t is the one-hot state of token t.
  const tokenEmbd = new Float32Array(embd * nVocab);
  for (let t = 0; t < nVocab; t++) {
    const state = t >= firstAnswerId ? t - firstAnswerId + 1 : 0;
    tokenEmbd[t * embd + state] = 1;
  }
  // output: rmsnorm turns the one-hot e_s into sqrt(embd)·e_s, so row `next(s)` gets LOGIT/sqrt(embd) at s.
  const output = new Float32Array(embd * nVocab);
  const w = LOGIT / Math.sqrt(embd);
  for (let s = 0; s < states; s++) {
    const next = s < pieces.length ? firstAnswerId + s : llamaSpecialIds.imEnd;
    output[next * embd + s] = w;
  }

  const zeros = (n: number) => new Float32Array(n);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const tensors: GgufTensor[] = [
    { name: "token_embd.weight", shape: [embd, nVocab], type: "F32", data: tokenEmbd },
    { name: "output_norm.weight", shape: [embd], type: "F32", data: ones(embd) },
    { name: "output.weight", shape: [embd, nVocab], type: "F32", data: output },
    { name: "blk.0.attn_norm.weight", shape: [embd], type: "F32", data: ones(embd) },
    { name: "blk.0.attn_q.weight", shape: [embd, embd], type: "F32", data: zeros(embd * embd) },
    { name: "blk.0.attn_k.weight", shape: [embd, embd], type: "F32", data: zeros(embd * embd) },
    { name: "blk.0.attn_v.weight", shape: [embd, embd], type: "F32", data: zeros(embd * embd) },
    { name: "blk.0.attn_output.weight", shape: [embd, embd], type: "F32", data: zeros(embd * embd) },
    { name: "blk.0.ffn_norm.weight", shape: [embd], type: "F32", data: ones(embd) },
    { name: "blk.0.ffn_gate.weight", shape: [embd, ff], type: "F32", data: zeros(embd * ff) },
    { name: "blk.0.ffn_up.weight", shape: [embd, ff], type: "F32", data: zeros(embd * ff) },
    { name: "blk.0.ffn_down.weight", shape: [ff, embd], type: "F32", data: zeros(embd * ff) },
  ];
  const metadata: Array<[string, GgufValue]> = [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: "modelport-scripted" }],
    ["general.description", { type: "string", value: `Modelport test model: answers ${JSON.stringify(answer)} to any prompt` }],
    ["general.file_type", { type: "u32", value: 0 }],
    ...llamaHyperparameters({ contextLength, embd, layers: 1, ff, heads, nVocab }),
    ...llamaTokenizerMetadata(vocab),
  ];
  await writeGguf(file, { metadata, tensors });
}

/**
 * The text of each token the scripted model generates for `answer`, before `<|im_end|>`. A byte token
 * that is part of a multi-byte UTF-8 character shows as U+FFFD.
 */
export function scriptedAnswerTokens(answer: string = DEFAULT_SCRIPTED_ANSWER): string[] {
  return answerTokens(answer, new Set(baseLlamaVocab().map((t) => t.text))).map((p) => Buffer.from(p.bytes).toString("utf8"));
}

/** `<0xHH:n>`: decodes to byte HH (llama.cpp reads characters 3–4) but is not the `<0xHH>` that text maps to. */
const byteTokenVariant = (byte: number, n: number) => `${byteTokenText(byte).slice(0, -1)}:${n}>`;

/** Word pieces: leading whitespace sticks to the word or punctuation run that follows it. */
const PIECE = /\s*[\p{L}\p{N}_]+|\s*[^\s\p{L}\p{N}_]+|\s+/gu;

function answerTokens(answer: string, taken: Set<string>): AnswerToken[] {
  const out: AnswerToken[] = [];
  const used = new Set(taken);
  let pending = "";
  const emitBytes = (text: string) => {
    for (const byte of Buffer.from(text, "utf8")) {
      let n = out.length;
      while (used.has(byteTokenVariant(byte, n))) n++;
      const tokenText = byteTokenVariant(byte, n);
      used.add(tokenText);
      out.push({ token: { text: tokenText, type: TokenType.byte }, bytes: Uint8Array.of(byte) });
    }
  };
  for (const word of answer.match(PIECE) ?? []) {
    pending += word;
    if (pending.includes(SPACE)) {
      // A literal "▁" would come back as a space from a normal token.
      emitBytes(pending);
      pending = "";
      continue;
    }
    const text = pending.replaceAll(" ", SPACE);
    if ([...pending].length >= 3 && !used.has(text)) {
      used.add(text);
      out.push({ token: { text, type: TokenType.normal }, bytes: Buffer.from(pending, "utf8") });
      pending = "";
    }
  }
  if (pending !== "") emitBytes(pending);
  return out;
}
