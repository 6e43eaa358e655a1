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

export interface TokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  role: string;
  /** sha256 of the token; the token itself is shown once and never stored. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
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

/** A repo rename in progress: the row's name and its folder are put back in step at start-up. */
export interface RepoMovesTable {
  repo_id: number;
  from_namespace: string;
  from_name: string;
  to_namespace: string;
  to_name: string;
  created_at: string;
}
