import { access } from "node:fs/promises";
import type { Db } from "../db/connect.js";
import { listRepoRows, type RepoSortKey, sortValueOf } from "../db/queries/repo-list.js";
import type { RepoRow } from "../db/queries/repos.js";
import { DomainError } from "../lib/domain-error.js";
import { listTree } from "../lib/git/tree.js";
import { runGit } from "../lib/git/run-git.js";
import { type ParameterRange, parseParameterRange } from "../lib/parameter-range.js";
import type { RepoType } from "../lib/repo-names.js";
import { queryWords } from "../lib/search-text.js";
import { readablePrivateScope } from "./access.js";
import type { Principal } from "./principal.js";
import type { Repo, RepoService } from "./repos.js";
import { mapLimit } from "../lib/map-limit.js";

/**
 * The `sort` values clients send (hf-hub-protocol.md §4.6) and the column each
 * orders by. `downloads` is the last 30 days; we keep no 30-day like count,
 * so `likes30d` sorts by likes.
 */
const sortKeys: Record<string, RepoSortKey> = {
  lastModified: "updated_at",
  last_modified: "updated_at",
  createdAt: "created_at",
  created_at: "created_at",
  downloads: "downloads",
  downloadsAllTime: "downloads_all_time",
  trendingScore: "trending_score",
  trending_score: "trending_score",
  trending: "trending_score",
  likes: "likes",
  likes30d: "likes",
  id: "id",
};

/** Pages that read git for each repo (`siblings`, `config`) hold at most this many. */
const gitReadingPageMax = 100;
/** Repos whose git data is read at the same time while building a page. */
const gitConcurrency = 8;
/** Most search terms and tag filters one request may carry, and their longest length. */
const maxTerms = 50;
const maxTermLength = 200;
/** config.json files larger than this are not summarised. */
const maxConfigBytes = 1 << 20;

export interface ListReposInput {
  type: RepoType;
  /** All required: each a case-insensitive substring of the repo id, or words of its card (full text). */
  search: string[];
  author?: string;
  /** Tags, all required: bare (`chat`) or keyed (`license:mit`, `language:en`). */
  tags: string[];
  pipelineTag?: string;
  gated?: boolean;
  /** The Hub's `num_parameters` range (`min:1B,max:7B`). */
  numParameters?: string;
  sort?: string;
  /** -1 descending (the default), 1 ascending. */
  direction?: number;
  /** Page size; clamped to the configured maximum. */
  limit?: number;
  /** Opaque position from a previous page's `nextCursor`. */
  cursor?: string;
  /** Add each repo's file list (its default branch's tree). */
  withSiblings: boolean;
  /** Add a summary of each model's config.json. */
  withConfig: boolean;
}

export interface ListedRepo {
  repo: Repo;
  /** Paths of every file on the default branch, when asked for. */
  siblings?: string[];
  /** `architectures` and `model_type` from config.json, when asked for and present. */
  config?: Record<string, unknown>;
}

export interface RepoPage {
  items: ListedRepo[];
  /** Position after the last item, when more items follow. */
  nextCursor?: string;
}

/**
 * Repo listings (`GET /api/models`, `/api/datasets`, `/api/spaces`): filters,
 * sorting and keyset pagination, with private repos left out for callers who
 * may not read them — in the query itself, so pages stay full and counts true.
 */
export class ListingService {
  constructor(
    private readonly db: Db,
    private readonly repos: RepoService,
    private readonly opts: { maxLimit: number },
  ) {}

  async list(p: Principal, input: ListReposInput): Promise<RepoPage> {
    const sort = input.sort === undefined ? "downloads" : sortKeys[input.sort];
    if (!sort) throw new DomainError("InvalidArgument", `sort must be one of ${Object.keys(sortKeys).join(", ")}`);
    if (input.direction !== undefined && input.direction !== -1 && input.direction !== 1) {
      throw new DomainError("InvalidArgument", "direction must be -1 (descending) or 1 (ascending)");
    }
    const descending = input.direction !== 1;
    const max = input.withSiblings || input.withConfig ? Math.min(this.opts.maxLimit, gitReadingPageMax) : this.opts.maxLimit;
    if (input.limit !== undefined && (!Number.isSafeInteger(input.limit) || input.limit < 1)) {
      throw new DomainError("InvalidArgument", "limit must be a positive integer");
    }
    const limit = Math.min(input.limit ?? max, max);
    checkTerms("search", input.search);
    checkTerms("filter", input.tags);
    const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, sort, descending);

    // One row more than the page tells whether another page follows.
    const rows = await listRepoRows(this.db, {
      type: input.type,
      privateScope: readablePrivateScope(p),
      search: input.search.map((text) => ({ text, words: queryWords(text) })),
      parameters: input.numParameters === undefined ? undefined : parameterRange(input.numParameters),
      author: input.author,
      tags: input.tags,
      pipelineTag: input.pipelineTag,
      gated: input.gated,
      sort,
      descending,
      after,
      limit: limit + 1,
    });
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const items = await mapLimit(page, gitConcurrency, async (row): Promise<ListedRepo> => {
      const repo = this.toRepo(row);
      return {
        repo,
        ...(input.withSiblings ? { siblings: await filesOf(repo) } : {}),
        ...(input.withConfig && repo.type === "model" ? { config: await configSummary(repo) } : {}),
      };
    });
    const last = page.at(-1);
    return { items, ...(more && last ? { nextCursor: encodeCursor(sort, descending, sortValueOf(last, sort), last.id) } : {}) };
  }

  private toRepo(row: RepoRow): Repo {
    const type = row.type as RepoType;
    return { row, type, id: `${row.namespace}/${row.name}`, dir: this.repos.dirOf(type, row.namespace, row.name) };
  }
}

function parameterRange(raw: string): ParameterRange {
  try {
    return parseParameterRange(raw);
  } catch (err) {
    throw new DomainError("InvalidArgument", (err as Error).message);
  }
}

function checkTerms(what: string, terms: string[]): void {
  if (terms.length > maxTerms) throw new DomainError("InvalidArgument", `at most ${maxTerms} ${what} values are accepted`);
  if (terms.some((t) => t.length > maxTermLength)) {
    throw new DomainError("InvalidArgument", `${what} values must be at most ${maxTermLength} characters`);
  }
}

/**
 * Cursors carry the sort they were made for with the keyset position (sort
 * value, row id), so a cursor pasted under another sort is refused rather than
 * silently skipping rows.
 */
function encodeCursor(sort: RepoSortKey, descending: boolean, value: string | number, id: number): string {
  return Buffer.from(JSON.stringify([sort, descending ? -1 : 1, value, id])).toString("base64url");
}

function decodeCursor(cursor: string, sort: RepoSortKey, descending: boolean): { value: string | number; id: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const numeric = sort === "downloads" || sort === "downloads_all_time" || sort === "trending_score" || sort === "likes";
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    parsed[0] !== sort ||
    parsed[1] !== (descending ? -1 : 1) ||
    typeof parsed[2] !== (numeric ? "number" : "string") ||
    !Number.isSafeInteger(parsed[3])
  ) {
    throw new DomainError("InvalidArgument", "invalid cursor: use the Link header of the previous page unchanged");
  }
  return { value: parsed[2] as string | number, id: parsed[3] as number };
}

/** Every file on the indexed head of the default branch (the Hub's `siblings`). */
async function filesOf(repo: Repo): Promise<string[]> {
  if (!/^[0-9a-f]{40}$/.test(repo.row.sha)) return [];
  try {
    const entries = await listTree(repo.dir, repo.row.sha, "", true);
    return entries.filter((e) => e.type === "blob").map((e) => e.path);
  } catch (err) {
    // Deleted or moved since the query ran: list it as it was, without files.
    if (await access(repo.dir).then(() => false, () => true)) return [];
    throw err;
  }
}

/** What the Hub's `config` shows of a model's config.json: its architectures and model type. */
async function configSummary(repo: Repo): Promise<Record<string, unknown> | undefined> {
  if (!/^[0-9a-f]{40}$/.test(repo.row.sha)) return undefined;
  try {
    const check = await runGit(["cat-file", "--batch-check"], { cwd: repo.dir, input: `${repo.row.sha}:config.json\n` });
    const m = /^([0-9a-f]{40}) blob (\d+)$/.exec(check.trim());
    if (!m || Number(m[2]) > maxConfigBytes) return undefined;
    const json: unknown = JSON.parse(await runGit(["cat-file", "blob", m[1]!], { cwd: repo.dir }));
    if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
    const { architectures, model_type } = json as Record<string, unknown>;
    return {
      ...(Array.isArray(architectures) ? { architectures } : {}),
      ...(typeof model_type === "string" ? { model_type } : {}),
    };
  } catch {
    // A config.json that is not JSON, or a repo gone meanwhile: nothing to summarise.
    return undefined;
  }
}
