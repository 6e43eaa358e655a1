/**
 * Vocabularies for the generated test models, and their metadata entries.
 *
 * The llama vocabularies are SentencePiece-style (`tokenizer.ggml.model = "llama"`): control tokens, the
 * 256 byte-fallback tokens `<0x00>`..`<0xFF>` (so any text round-trips losslessly), `▁` (the escaped space)
 * and the printable ASCII characters. There is deliberately no two-character token: llama.cpp's SPM
 * tokenizer only builds a longer token by merging two adjacent pieces whose concatenation is in the
 * vocabulary, so without two-character tokens, no token of three or more characters can ever come out of
 * tokenizing text. The scripted model relies on that (see `scripted-llama.ts`).
 */
import type { GgufValue } from "./types.js";

/** `tokenizer.ggml.token_type` values (llama.cpp's `llama_token_type`). */
export const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

export interface VocabToken {
  text: string;
  type: number;
}

/** The escaped space of SentencePiece vocabularies (U+2581). */
export const SPACE = "\u2581";
export const IM_START = "<|im_start|>";
export const IM_END = "<|im_end|>";

/** ChatML, the template node-llama-cpp recognises as its `ChatMLChatWrapper`. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export const byteTokenText = (byte: number) => `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`;

/** Ids of the control tokens at the start of every llama vocabulary built here. */
export const llamaSpecialIds = { unk: 0, bos: 1, eos: 2, imStart: 3, imEnd: 4 } as const;

/** Control tokens, byte tokens, `▁` and printable ASCII: 356 tokens, all distinct. */
export function baseLlamaVocab(): VocabToken[] {
  const tokens: VocabToken[] = [
    { text: "<unk>", type: TokenType.unknown },
    { text: "<s>", type: TokenType.control },
    { text: "</s>", type: TokenType.control },
    { text: IM_START, type: TokenType.control },
    { text: IM_END, type: TokenType.control },
  ];
  for (let b = 0; b < 256; b++) tokens.push({ text: byteTokenText(b), type: TokenType.byte });
  tokens.push({ text: SPACE, type: TokenType.normal });
  for (let c = 0x21; c < 0x7f; c++) tokens.push({ text: String.fromCharCode(c), type: TokenType.normal });
  return tokens;
}

/** The tokenizer entries of a llama vocabulary whose EOS is `<|im_end|>`, with the ChatML template. */
export function llamaTokenizerMetadata(tokens: readonly VocabToken[]): Array<[string, GgufValue]> {
  return [
    ["tokenizer.ggml.model", { type: "string", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "array", itemType: "string", items: tokens.map((t) => t.text) }],
    ["tokenizer.ggml.scores", { type: "array", itemType: "f32", items: tokens.map(() => 0) }],
    ["tokenizer.ggml.token_type", { type: "array", itemType: "i32", items: tokens.map((t) => t.type) }],
    ["tokenizer.ggml.bos_token_id", { type: "u32", value: llamaSpecialIds.bos }],
    ["tokenizer.ggml.eos_token_id", { type: "u32", value: llamaSpecialIds.imEnd }],
    ["tokenizer.ggml.unknown_token_id", { type: "u32", value: llamaSpecialIds.unk }],
    ["tokenizer.ggml.padding_token_id", { type: "u32", value: llamaSpecialIds.eos }],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
    ["tokenizer.ggml.add_eos_token", { type: "bool", value: false }],
    // No "▁" before the first word: text round-trips exactly, and the first generated token keeps its space.
    ["tokenizer.ggml.add_space_prefix", { type: "bool", value: false }],
    ["tokenizer.chat_template", { type: "string", value: CHATML_TEMPLATE }],
  ];
}

/** Ids of the special tokens of the WordPiece vocabulary. */
export const bertSpecialIds = { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 } as const;

const BERT_WORDS = [
  "the", "of", "and", "to", "in", "is", "it", "that", "for", "on", "with", "as", "was", "at", "by", "this", "be", "are", "from", "or",
  "hello", "world", "model", "port", "cat", "dog", "paris", "france", "capital", "city", "weather", "sun", "rain", "embedding", "vector", "search",
];

/**
 * A WordPiece vocabulary in llama.cpp's "phantom space" form (conversion/bert.py): word-initial pieces start
 * with `▁`, continuation pieces are stored without `##`. Letters, digits and ASCII punctuation in both forms
 * plus a few whole words, so any ASCII text tokenizes without `[UNK]`.
 */
export function bertVocab(): VocabToken[] {
  const tokens: VocabToken[] = [
    { text: "[PAD]", type: TokenType.control },
    { text: "[UNK]", type: TokenType.unknown },
    { text: "[CLS]", type: TokenType.control },
    { text: "[SEP]", type: TokenType.control },
    { text: "[MASK]", type: TokenType.control },
  ];
  const chars: string[] = [];
  for (let c = 0x21; c < 0x7f; c++) {
    const ch = String.fromCharCode(c);
    if (ch.toLowerCase() === ch) chars.push(ch); // the tokenizer lowercases: no capitals
  }
  for (const ch of chars) tokens.push({ text: SPACE + ch, type: TokenType.normal });
  for (const ch of chars) tokens.push({ text: ch, type: TokenType.normal });
  for (const w of BERT_WORDS) tokens.push({ text: SPACE + w, type: TokenType.normal });
  return tokens;
}

export function bertTokenizerMetadata(tokens: readonly VocabToken[]): Array<[string, GgufValue]> {
  return [
    ["tokenizer.ggml.model", { type: "string", value: "bert" }],
    ["tokenizer.ggml.tokens", { type: "array", itemType: "string", items: tokens.map((t) => t.text) }],
    ["tokenizer.ggml.token_type", { type: "array", itemType: "i32", items: tokens.map((t) => t.type) }],
    ["tokenizer.ggml.token_type_count", { type: "u32", value: 2 }],
    // Set every id: llama.cpp's BERT defaults (101, 102, …) lie outside a small vocabulary.
    ["tokenizer.ggml.bos_token_id", { type: "u32", value: bertSpecialIds.cls }],
    ["tokenizer.ggml.cls_token_id", { type: "u32", value: bertSpecialIds.cls }],
    ["tokenizer.ggml.seperator_token_id", { type: "u32", value: bertSpecialIds.sep }],
    ["tokenizer.ggml.unknown_token_id", { type: "u32", value: bertSpecialIds.unk }],
    ["tokenizer.ggml.padding_token_id", { type: "u32", value: bertSpecialIds.pad }],
    ["tokenizer.ggml.mask_token_id", { type: "u32", value: bertSpecialIds.mask }],
  ];
}
