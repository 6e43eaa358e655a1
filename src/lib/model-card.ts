import { parse as parseYaml } from "yaml";

/** What a README's YAML front matter says about a repo (Hub model/dataset card metadata). */
export interface CardMetadata {
  /** The front matter as parsed (the Hub's `cardData`); `{}` when there is none. */
  data: Record<string, unknown>;
  /** Why the front matter could not be read, when it could not; `data` is then `{}`. */
  error?: string;
}

/** Cards larger than this are read only up to it; front matter sits at the top. */
export const maxCardBytes = 1 << 20;

/**
 * Parses the front matter of a model card: a `---` line, YAML, and a closing
 * `---` line at the top of README.md (huggingface_hub `repocard.py`). Malformed
 * YAML is reported, never thrown: a bad card must not break a push.
 */
export function parseCard(readme: string): CardMetadata {
  const text = readme.replace(/^\uFEFF/, "");
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(\r?\n|$)/.exec(text);
  if (!m) return { data: {} };
  try {
    const data = parseYaml(m[1]!, { maxAliasCount: 100, prettyErrors: false });
    if (data === null || data === undefined) return { data: {} };
    if (typeof data !== "object" || Array.isArray(data)) return { data: {}, error: "the YAML front matter must be a mapping" };
    return { data: data as Record<string, unknown> };
  } catch (err) {
    return { data: {}, error: `invalid YAML front matter: ${(err as Error).message.split("\n")[0]}` };
  }
}

const asList = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).filter((x): x is string => typeof x === "string" && x.length > 0);

/**
 * The Hub's tag list for a card: its `tags`, the library, `license:…`,
 * languages, `dataset:…` and `base_model:…`, without duplicates.
 */
export function cardTags(data: Record<string, unknown>): string[] {
  const tags = [
    ...asList(data.tags),
    ...asList(data.library_name),
    ...asList(data.license).map((l) => `license:${l}`),
    ...asList(data.language),
    ...asList(data.datasets).map((d) => `dataset:${d}`),
    ...asList(data.base_model).map((b) => `base_model:${b}`),
  ];
  return [...new Set(tags)];
}

export function cardString(data: Record<string, unknown>, key: string): string | null {
  const v = data[key];
  return typeof v === "string" && v.length > 0 ? v : null;
}
