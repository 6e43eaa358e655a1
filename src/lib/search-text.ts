/**
 * Words for full-text search, the same at index and at query time.
 *
 * Chinese and Japanese write words without spaces, so neither SQLite FTS5's
 * `unicode61` tokenizer nor PostgreSQL's parser can find them. ICU's word
 * segmentation (`Intl.Segmenter`, dictionary based for CJK) splits text into
 * words in every script; documents are stored as those words joined by
 * spaces, and queries are split the same way, so both engines only ever see
 * space-separated words.
 */

const segmenter = new Intl.Segmenter("und", { granularity: "word" });

/** Longest word kept: longer runs are ids, hashes or noise, not words anyone searches. */
const maxWordLength = 64;
/** Most characters of a document read: a huge README must not make a huge index row. */
export const maxDocumentChars = 32_000;
/** Most distinct words one document keeps. */
const maxDocumentWords = 4_000;
/** Most words one query keeps. */
const maxQueryWords = 16;

/** Han, Hiragana, Katakana, Hangul: scripts whose words the dictionary may glue together. */
const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** The word-like segments of a text, case-folded and NFKC-normalised. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text.normalize("NFKC"))) {
    if (!s.isWordLike) continue;
    const w = s.segment.toLowerCase();
    if (w.length <= maxWordLength) out.push(w);
  }
  return out;
}

/**
 * The words of a document, each once, as one space-separated string. A CJK
 * word longer than two characters also gives its two-character pieces: the
 * dictionary reads "大模型" as one word in one sentence and "大 / 模型" in
 * another, so "模型" must match either way.
 */
export function documentText(parts: string[]): string {
  const seen = new Set<string>();
  let budget = maxDocumentChars;
  for (const part of parts) {
    if (budget <= 0) break;
    const text = part.slice(0, budget);
    budget -= text.length;
    for (const w of words(text)) {
      seen.add(w);
      if (w.length > 2 && cjk.test(w)) {
        const chars = [...w];
        for (let i = 0; i + 2 <= chars.length; i++) seen.add(chars[i]! + chars[i + 1]!);
      }
      if (seen.size >= maxDocumentWords) return [...seen].join(" ");
    }
  }
  return [...seen].join(" ");
}

/** The words a query asks for (all required); empty when it has none (only punctuation, say). */
export function queryWords(query: string): string[] {
  return [...new Set(words(query))].slice(0, maxQueryWords);
}

/** The prose of a README: what follows its YAML front matter, without markup that is not words. */
export function cardProse(readme: string): string {
  const text = readme.replace(/^\uFEFF/, "").replace(/^---[ \t]*\r?\n[\s\S]*?\r?\n---[ \t]*(\r?\n|$)/, "");
  return text
    .slice(0, maxDocumentChars * 2)
    .replace(/```[\s\S]*?```/g, " ") // code blocks: identifiers, not prose
    .replace(/<[^>\n]{0,200}>/g, " ") // HTML tags
    .replace(/\]\([^)\s]{0,500}\)/g, "] "); // link targets
}

/** What a repo's search document is made of, most telling first (the document is capped). */
export function repoDocumentParts(src: { id: string; cardData: Record<string, unknown>; tags: string[]; prose: string }): string[] {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
  const [namespace = "", name = ""] = src.id.split("/");
  // Names split on `-`, `_` and `.` too, so "qwen2.5-coder" is found by "coder".
  const nameWords = `${namespace} ${name} ${name.replace(/[-_.]+/g, " ")}`;
  return [nameWords, ...strings(src.cardData.pretty_name), ...strings(src.cardData.description), src.tags.join(" "), src.prose];
}
