import type { Db } from "../db/connect.js";
import { listStaleRepos, modelFormats, replaceBaseModels, updateModelIndex } from "../db/queries/model-index.js";
import { replaceRepoTags } from "../db/queries/repo-list.js";
import { type RepoRow, updateRepoMetadata } from "../db/queries/repos.js";
import type { CatFilePool } from "../lib/git/cat-file.js";
import { KeyedMutex } from "../lib/keyed-mutex.js";
import {
  type BaseModelEdge, cardBaseModels, cardRelation, inferRelation, lineageTags,
} from "../lib/model-lineage.js";
import { cardString, cardTags, maxCardBytes, parseCard } from "../lib/model-card.js";
import type { RepoType } from "../lib/repo-names.js";
import { searchTerms } from "../lib/search-terms.js";
import { refreshSearchDocument } from "./search-document.js";
import type { BlobStore } from "../lib/storage/blob-store.js";
import { type IndexWarning, type ModelFileMetadata, ModelMetadataReader } from "./model-metadata.js";
import type { Repo } from "./repos.js";

/**
 * Version of what `refresh` stores. Rows indexed by an older version (0: before
 * model metadata existed) are re-indexed by `reindexStale` at start-up, since a
 * migration cannot read git. Bump it when `refresh` learns something new.
 */
export const repoIndexVersion = 1;

/** What `model_metadata` holds (the Hub's names where the Hub has them; see http/hub/repo-info.ts). */
export interface StoredModelMetadata {
  config?: ModelFileMetadata["config"];
  gguf?: ModelFileMetadata["gguf"];
  ggufFiles?: ModelFileMetadata["ggufFiles"];
  safetensors?: ModelFileMetadata["safetensors"];
  /** The base models and the relation to them (one relation per repo, as on the Hub). */
  baseModels?: { relation: string; models: string[] };
}

/**
 * Keeps what the database knows about a repo (head sha, card metadata, tags,
 * last-modified time, and for models the metadata of their files and their
 * base models) in step with its default branch. Runs after every push and API
 * commit; malformed metadata is recorded on the repo, never thrown.
 */
export class RepoIndexer {
  private readonly files: ModelMetadataReader;
  /** One indexing per repo at a time, so an older head's result never lands after a newer one's. */
  private readonly lock = new KeyedMutex();

  constructor(
    private readonly db: Db,
    private readonly catFiles: CatFilePool,
    blobStore: BlobStore,
  ) {
    this.files = new ModelMetadataReader(db, catFiles, blobStore);
  }

  async refresh(repo: Repo): Promise<void> {
    await this.lock.run(String(repo.row.id), () => this.index(repo));
  }

  /**
   * Re-indexes every repo an older indexer indexed, oldest row first, until
   * done or `signal` aborts. A repo that fails is logged and left for the next
   * start.
   */
  async reindexStale(opts: { dirOf: (type: RepoType, namespace: string, name: string) => string; signal?: AbortSignal; onError?: (repoId: string, err: unknown) => void }): Promise<number> {
    let after = 0;
    let done = 0;
    for (;;) {
      if (opts.signal?.aborted) return done;
      const rows = await listStaleRepos(this.db, repoIndexVersion, after, 100);
      if (!rows.length) return done;
      for (const row of rows) {
        if (opts.signal?.aborted) return done;
        after = row.id;
        const repo = toRepo(row, opts.dirOf);
        try {
          await this.refresh(repo);
          done++;
        } catch (err) {
          opts.onError?.(repo.id, err);
        }
      }
    }
  }

  private async index(repo: Repo): Promise<void> {
    const git = this.catFiles.get(repo.dir);
    const head = await git.info("HEAD^{commit}");
    if (!head) return;
    const readme = await git.info(`${head.oid}:README.md`);
    let card: ReturnType<typeof parseCard> = { data: {} };
    let readmeText = "";
    if (readme?.type === "blob") {
      const blob = readme.size <= maxCardBytes ? await git.contents(readme.oid) : undefined;
      readmeText = blob ? blob.content.toString("utf8") : "";
      card = blob ? parseCard(readmeText) : { data: {}, error: "README.md is too large to read its metadata" };
    }
    const warnings: IndexWarning[] = card.error ? [{ path: "README.md", message: card.error }] : [];
    let tags = cardTags(card.data);
    let files: ModelFileMetadata | undefined;
    let edges: BaseModelEdge[] = [];
    if (repo.type === "model") {
      try {
        files = await this.files.read(repo, head.oid);
      } catch (err) {
        // git failing to list the tree must not fail the push that already landed; the next change retries.
        files = { ggufFiles: [], formats: [], parameters: null, hasAdapterConfig: false, warnings: [{ path: "", message: `files could not be read: ${(err as Error).message}` }] };
      }
      warnings.push(...files.warnings);
      edges = await this.lineage(repo, card.data, files, warnings);
      // The card's raw `base_model:` tags give way to the checked ones, with their relation.
      tags = [...new Set([...tags.filter((t) => !t.startsWith("base_model:")), ...lineageTags(edges), ...files.formats])];
    }
    const metadata = {
      sha: head.oid,
      cardData: card.data,
      tags,
      pipelineTag: cardString(card.data, "pipeline_tag"),
      libraryName: cardString(card.data, "library_name"),
      cardError: card.error ?? null,
    };
    const stored: StoredModelMetadata = files
      ? {
          ...(files.config ? { config: files.config } : {}),
          ...(files.gguf ? { gguf: files.gguf, ggufFiles: files.ggufFiles } : {}),
          ...(files.safetensors ? { safetensors: files.safetensors } : {}),
          ...(edges.length ? { baseModels: { relation: edges[0]!.relation, models: edges.map((e) => e.id) } } : {}),
        }
      : {};
    // The row, its filter terms and its tree edges change together, so a listing never sees one without the others.
    await this.db.kysely.transaction().execute(async (tx) => {
      const inTx: Db = { ...this.db, kysely: tx };
      await updateRepoMetadata(inTx, repo.row.id, metadata);
      await updateModelIndex(inTx, repo.row.id, {
        parameters: files?.parameters ?? null,
        formats: files?.formats ?? [],
        metadata: stored as Record<string, unknown>,
        warnings,
        indexVersion: repoIndexVersion,
      });
      await replaceBaseModels(inTx, repo.row.id, edges);
      await replaceRepoTags(inTx, repo.row.id, searchTerms(metadata));
      await refreshSearchDocument(inTx, repo, metadata, readmeText);
    });
  }

  /**
   * The base models of a model and its relation to them: the card's
   * `base_model` (else an adapter config's base) with `base_model_relation`,
   * or the relation inferred from the files.
   */
  private async lineage(repo: Repo, data: Record<string, unknown>, files: ModelFileMetadata, warnings: IndexWarning[]): Promise<BaseModelEdge[]> {
    const named = cardBaseModels(data, repo.id);
    for (const message of named.warnings) warnings.push({ path: "README.md", message });
    const ids = named.ids.length || data.base_model !== undefined ? named.ids : files.adapterBase && files.adapterBase !== repo.id ? [files.adapterBase] : [];
    if (!ids.length) return [];
    const stated = cardRelation(data);
    if (stated.warning) warnings.push({ path: "README.md", message: stated.warning });
    let relation = stated.relation;
    if (!relation) {
      const hosted = files.formats.includes("gguf") ? await modelFormats(this.db, ids) : new Map<string, string[]>();
      const ggufOnly = (id: string) => {
        const formats = hosted.get(id);
        return formats !== undefined && formats.includes("gguf") && !formats.includes("safetensors");
      };
      relation = inferRelation({
        hasAdapterConfig: files.hasAdapterConfig,
        hasGguf: files.formats.includes("gguf"),
        baseCount: ids.length,
        basesAreGguf: ids.every(ggufOnly),
      });
    }
    return ids.map((id) => ({ id, relation: relation! }));
  }
}

function toRepo(row: RepoRow, dirOf: (type: RepoType, namespace: string, name: string) => string): Repo {
  const type = row.type as RepoType;
  return { row, type, id: `${row.namespace}/${row.name}`, dir: dirOf(type, row.namespace, row.name) };
}
