import type { Generated } from "kysely";

/**
 * Table types of the metadata database. Columns are portable between SQLite
 * and PostgreSQL: booleans are 0/1 integers, times are ISO-8601 UTC strings.
 */
export interface Database {
  users: UsersTable;
  tokens: TokensTable;
  repos: ReposTable;
  lfs_objects: LfsObjectsTable;
  repo_lfs_objects: RepoLfsObjectsTable;
  repo_tags: RepoTagsTable;
  repo_moves: RepoMovesTable;
  repo_base_models: RepoBaseModelsTable;
  repo_downloads: RepoDownloadsTable;
  repo_likes: RepoLikesTable;
  access_requests: AccessRequestsTable;
  namespaces: NamespacesTable;
  orgs: OrgsTable;
  org_members: OrgMembersTable;
  audit_log: AuditLogTable;
  web_sessions: WebSessionsTable;
}

export interface UsersTable {
  id: Generated<number>;
  name: string;
  fullname: string;
  email: string | null;
  password_hash: string | null;
  is_admin: number;
  created_at: string;
}

/** A signed-in web session; the cookie's id is stored only as its sha256. */
export interface WebSessionsTable {
  id_hash: string;
  user_id: number;
  /** Sent back by the web app in `X-CSRF-Token` on every mutating request. */
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface TokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  role: string;
  /** sha256 of the token; the token itself is shown once and never stored. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  /** When the token stops working (ISO UTC); null: never. */
  expires_at: string | null;
  /** A fine-grained token's scopes as JSON (`TokenScope[]`); null for read and write tokens. */
  scopes: string | null;
  /** 1: a fine-grained token that may read public gated repos its user was accepted to (whoami's `canReadGatedRepos`). */
  can_read_gated_repos: Generated<number>;
}

export interface ReposTable {
  id: Generated<number>;
  type: string;
  namespace: string;
  name: string;
  private: number;
  created_at: string;
  updated_at: string;
  /** "false", "auto" or "manual". */
  gated: Generated<string>;
  downloads: Generated<number>;
  likes: Generated<number>;
  /** Head commit of the default branch when last indexed. */
  sha: Generated<string>;
  /** The README's YAML front matter, as JSON. */
  card_data: Generated<string>;
  /** JSON array of the repo's tags (from the card and its files). */
  tags: Generated<string>;
  pipeline_tag: string | null;
  library_name: string | null;
  /** Why the card could not be read, when it could not. */
  card_error: string | null;
  /** Total parameter count of the model's weights (safetensors, else GGUF headers), when known. */
  parameters: number | null;
  /** JSON array of the weight formats present (`gguf`, `safetensors`, `onnx`). */
  formats: Generated<string>;
  /** JSON object: what the model's files say (`config`, `gguf`, `safetensors`, `baseModels`; services/model-metadata.ts). */
  model_metadata: Generated<string>;
  /** JSON array of `{path, message}`: metadata that could not be read at the last indexing. */
  index_warnings: Generated<string>;
  /** Version of the indexer that last indexed the row; older rows are re-indexed at start-up. */
  index_version: Generated<number>;
  /** Downloads since the repo was created (`downloads` counts the last 30 days). */
  downloads_all_time: Generated<number>;
  /** Recent downloads and likes, newest weighing most (`db/queries/repo-stats.ts`). */
  trending_score: Generated<number>;
  /** The user who created the repo (an org's contributors may write their own repos); null when unknown. */
  created_by: number | null;
}

export interface LfsObjectsTable {
  oid: string;
  size: number;
  created_at: string;
}

/** Which repos reference an LFS object: downloads are allowed only through a linked repo. */
export interface RepoLfsObjectsTable {
  repo_id: number;
  oid: string;
  created_at: string;
}

/** The terms a listing's `filter=` matches, one row per repo and term (`lib/search-terms.ts`). */
export interface RepoTagsTable {
  repo_id: number;
  tag: string;
}

/** A model's base model as its card names it (the model tree), with how the model derives from it. */
export interface RepoBaseModelsTable {
  repo_id: number;
  /** The base model's id as written (`namespace/name`); it need not be hosted here. */
  base_model: string;
  /** "finetune", "adapter", "quantized" or "merge" (lib/model-lineage.ts). */
  relation: string;
  /** Order in the card's list. */
  position: number;
}

/** A repo rename in progress: the row's name and its folder are put back in step at start-up. */
export interface RepoMovesTable {
  repo_id: number;
  from_namespace: string;
  from_name: string;
  to_namespace: string;
  to_name: string;
  created_at: string;
}

/** A user's request for the files of a gated repo (one per repo and user), and its state. */
export interface AccessRequestsTable {
  repo_id: number;
  user_id: number;
  /** "pending", "accepted" or "rejected". */
  status: string;
  /** The gate form's answers, as a JSON object. */
  fields: Generated<string>;
  reject_reason: string | null;
  /** When the user asked (or was granted access without asking). */
  created_at: string;
  updated_at: string;
}

/** Every user and organization name: one namespace space (triggers on `users` and `orgs` keep it). */
export interface NamespacesTable {
  name: string;
  /** "user" or "org". */
  kind: string;
}

export interface OrgsTable {
  id: Generated<number>;
  name: string;
  fullname: string;
  created_at: string;
}

/** A user's role in an organization: "read", "contributor", "write" or "admin". */
export interface OrgMembersTable {
  org_id: number;
  user_id: number;
  role: string;
  created_at: string;
}

/** Security-relevant events (`AuditLog`), newest last. */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  /** Who did it; null for the system or an anonymous caller. */
  actor_id: number | null;
  actor_name: string | null;
  /** e.g. "token.create", "repo.delete", "org.member.add". */
  action: string;
  /** What it was done to: a repo id, an org name, a token's owner and name. */
  target: string;
  /** JSON object with the event's facts. */
  details: Generated<string>;
  ip: string | null;
}

/** Downloads of a repo per UTC day (`YYYY-MM-DD`). */
export interface RepoDownloadsTable {
  repo_id: number;
  day: string;
  count: number;
}

/** Who likes which repo, since when. */
export interface RepoLikesTable {
  user_id: number;
  repo_id: number;
  created_at: string;
}

// `repo_search`, the full-text index, differs per database (an FTS5 table on SQLite, a tsvector
// column on PostgreSQL) and is only reached through `db/search/search-index.ts`.
