import type { Repo } from "../../services/repos.js";

/**
 * A repo as the Hub's JSON describes it in listings and repo info
 * (`HJ:types/api/api-model.ts`, `HH:hf_api.py` `ModelInfo`): the fields every
 * client reads. Repo info and `full` listings add `siblings`; `cardData` is
 * added when asked for.
 */
export interface ApiRepoSummary {
  _id: string;
  id: string;
  /** Models only (older clients read it). */
  modelId?: string;
  author: string;
  sha: string;
  lastModified: string;
  createdAt: string;
  private: boolean;
  gated: false | "auto" | "manual";
  disabled: boolean;
  downloads: number;
  likes: number;
  tags: string[];
  pipeline_tag?: string;
  library_name?: string;
  cardData?: Record<string, unknown>;
}

/** Converts a repo row to the Hub's summary shape, once, at the edge. */
export function toApiRepoSummary(repo: Repo, opts: { cardData?: boolean } = {}): ApiRepoSummary {
  const { row } = repo;
  const out: ApiRepoSummary = {
    _id: String(row.id),
    id: repo.id,
    ...(repo.type === "model" ? { modelId: repo.id } : {}),
    author: row.namespace,
    sha: row.sha,
    lastModified: row.updated_at,
    createdAt: row.created_at,
    private: row.private === 1,
    gated: row.gated === "auto" || row.gated === "manual" ? row.gated : false,
    disabled: false,
    downloads: row.downloads,
    likes: row.likes,
    tags: JSON.parse(row.tags) as string[],
  };
  if (row.pipeline_tag) out.pipeline_tag = row.pipeline_tag;
  if (row.library_name) out.library_name = row.library_name;
  if (opts.cardData) out.cardData = JSON.parse(row.card_data) as Record<string, unknown>;
  return out;
}
