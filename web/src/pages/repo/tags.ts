import type { RepoInfo } from "./types";

/** What the header shows as tags: the card's metadata grouped as the Hub groups it. */
export interface RepoTags {
  task?: string;
  library?: string;
  licenses: string[];
  languages: string[];
  baseModels: string[];
  datasets: string[];
  /** Every other tag. */
  other: string[];
}

const prefixed = /^(license|language|dataset|base_model|region|arxiv|doi|model-index|endpoints_compatible|autotrain_compatible):/;

export function repoTags(info: RepoInfo): RepoTags {
  const card = info.cardData ?? {};
  const list = (v: unknown): string[] => (Array.isArray(v) ? v : typeof v === "string" ? [v] : []).filter((x): x is string => typeof x === "string");
  const tags = info.tags ?? [];
  const fromTags = (prefix: string) => tags.filter((t) => t.startsWith(`${prefix}:`)).map((t) => t.slice(prefix.length + 1));
  const licenses = unique([...list(card.license), ...fromTags("license")]);
  const languages = unique([...list(card.language), ...fromTags("language")]);
  const baseModels = unique([...list(card.base_model), ...fromTags("base_model").filter((b) => !b.includes(":"))]);
  const datasets = unique([...list(card.datasets), ...fromTags("dataset")]);
  const skip = new Set([info.pipeline_tag, info.library_name, ...languages].filter(Boolean) as string[]);
  const other = tags.filter((t) => !prefixed.test(t) && !skip.has(t));
  return { task: info.pipeline_tag, library: info.library_name, licenses, languages, baseModels, datasets, other };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
