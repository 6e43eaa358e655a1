/** What the listing filters match a repo against, beside its displayed tags. */
export interface SearchTermSource {
  /** The README's front matter (`cardData`). */
  cardData: Record<string, unknown>;
  /** The repo's displayed tags (`cardTags`). */
  tags: string[];
  pipelineTag: string | null;
  libraryName: string | null;
}

/** Longest term kept, and most terms per repo: a card cannot blow up the index. */
const maxTermLength = 200;
const maxTerms = 500;

/**
 * Card keys the Hub also exposes as `key:value` tags. Dataset cards carry most
 * of them (huggingface_hub `list_datasets` turns `language=`, `task_categories=`,
 * `size_categories=`… into `filter=key:value`).
 */
const keyedCardFields = [
  "language",
  "license",
  "task_categories",
  "task_ids",
  "size_categories",
  "multilinguality",
  "language_creators",
  "annotations_creators",
  "source_datasets",
  "modality",
  "format",
  "benchmark",
] as const;

const strings = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).filter((x): x is string => typeof x === "string" && x.length > 0);

/**
 * The terms a repo answers to in `filter=` (hf-hub-protocol.md §4.6): its tags,
 * its pipeline tag, and the Hub's `key:value` spellings (`language:en`,
 * `library:transformers`, `task_categories:text-classification`,
 * `pipeline_tag:text-generation`), so both the bare and the keyed form match.
 */
export function searchTerms(src: SearchTermSource): string[] {
  const terms = new Set<string>(src.tags);
  if (src.pipelineTag) {
    terms.add(src.pipelineTag);
    terms.add(`pipeline_tag:${src.pipelineTag}`);
  }
  if (src.libraryName) {
    terms.add(src.libraryName);
    terms.add(`library:${src.libraryName}`);
  }
  for (const key of keyedCardFields) {
    for (const value of strings(src.cardData[key])) terms.add(`${key}:${value}`);
  }
  return [...terms].filter((t) => t.length <= maxTermLength).slice(0, maxTerms);
}
