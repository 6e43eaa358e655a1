import { cardString, cardTags } from "../lib/model-card.js";
import type { Principal } from "./principal.js";
import type { RepoFile, RepoFileService } from "./repo-files.js";
import type { Repo, RepoRef } from "./repos.js";

/** What a revision's model card says, in the form repo info reports it. */
export interface RevisionCard {
  data: Record<string, unknown>;
  tags: string[];
  pipelineTag: string | null;
  libraryName: string | null;
}

/** A repo at a revision, with the parts the caller asked for. */
export interface RepoInfo {
  repo: Repo;
  /** The commit the revision names. */
  commit: string;
  card?: RevisionCard;
  /** Every file at the commit. */
  files?: RepoFile[];
  /** Bytes of LFS storage the repo uses. */
  usedStorage?: number;
}

export interface RepoInfoParts {
  card?: boolean;
  /** The file list; `details` adds sizes and LFS metadata (huggingface_hub `files_metadata`). */
  files?: { details: boolean };
  usedStorage?: boolean;
}

/**
 * `GET /api/{t}/{repo}[/revision/{rev}]` (hf-hub-protocol.md §4.1). Only the
 * asked-for parts cost anything: the card of the indexed default-branch head
 * comes from the database, another revision's is parsed from its README.
 */
export class RepoInfoService {
  constructor(private readonly files: RepoFileService) {}

  async describe(p: Principal, ref: RepoRef, revision: string, parts: RepoInfoParts): Promise<RepoInfo> {
    const { repo, commit } = await this.files.openRevision(p, ref, revision);
    const [card, files, usedStorage] = await Promise.all([
      parts.card ? this.cardOf(repo, commit) : undefined,
      parts.files ? this.files.listFiles(repo, commit, parts.files) : undefined,
      parts.usedStorage ? this.files.usedStorage(repo) : undefined,
    ]);
    return { repo, commit, card, files, usedStorage };
  }

  private async cardOf(repo: Repo, commit: string): Promise<RevisionCard> {
    const { row } = repo;
    if (commit === row.sha) {
      return {
        data: JSON.parse(row.card_data) as Record<string, unknown>,
        tags: JSON.parse(row.tags) as string[],
        pipelineTag: row.pipeline_tag,
        libraryName: row.library_name,
      };
    }
    const { data } = await this.files.cardAt(repo, commit);
    return { data, tags: cardTags(data), pipelineTag: cardString(data, "pipeline_tag"), libraryName: cardString(data, "library_name") };
  }
}
