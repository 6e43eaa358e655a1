/** The Hub's JSON as the browsing pages read it (the fields they use). */

export interface RepoSummary {
  id: string;
  author: string;
  sha?: string;
  lastModified?: string;
  createdAt?: string;
  private?: boolean;
  gated?: false | "auto" | "manual";
  downloads?: number;
  likes?: number;
  trendingScore?: number;
  tags?: string[];
  pipeline_tag?: string;
  library_name?: string;
}

export interface RepoInfo extends RepoSummary {
  sha: string;
  cardData?: Record<string, unknown>;
  siblings?: Array<{ rfilename: string; size?: number }>;
  downloadsAllTime?: number;
  isLikedByUser?: boolean;
  usedStorage?: number;
  /** The main GGUF file's facts (models the hub indexed). */
  gguf?: { total?: number; architecture?: string; context_length?: number; chat_template?: string; quantization?: string };
  /** Parameters of the safetensors files, per dtype and in total. */
  safetensors?: { parameters: Record<string, number>; total: number };
  /** `architectures` and `model_type` of config.json. */
  config?: { architectures?: string[]; model_type?: string };
  /** The base models and how this model derives from them (stated or inferred). */
  baseModels?: { relation: TreeRelation; models: Array<{ id: string }> };
  /** Files whose metadata the hub could not read (ours; see docs/compat/hf-api.md). */
  indexWarnings?: Array<{ path: string; message: string }>;
}

export interface TreeEntry {
  type: "file" | "directory";
  oid: string;
  size: number;
  path: string;
  lfs?: { oid: string; size: number; pointerSize: number };
  lastCommit?: { id: string; title: string; date: string };
}

export interface RefTarget {
  name: string;
  ref: string;
  targetCommit: string;
}

export interface Refs {
  branches: RefTarget[];
  tags: RefTarget[];
  converts: RefTarget[];
}

export interface Commit {
  id: string;
  title: string;
  message: string;
  authors: Array<{ user: string }>;
  date: string;
}

export type TreeRelation = "finetune" | "adapter" | "quantized" | "merge";

/** `GET /api/models/<id>/model-tree` (contracts: model tree). */
export interface ModelTree {
  id: string;
  baseModels: Array<{ id: string; relation: TreeRelation }>;
  ancestors?: Array<{ id: string; relation: TreeRelation }>;
  derivatives: Partial<Record<TreeRelation, { count: number; models: RepoSummary[] }>>;
}
