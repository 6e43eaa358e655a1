import { diffCommits } from "../lib/git/diff.js";
import { listCommits } from "../lib/git/log.js";
import type { Principal } from "./principal.js";
import type { RepoFileService } from "./repo-files.js";
import type { RepoRef } from "./repos.js";
import type { RevisionService } from "./revisions.js";

/** What `compare` answers: the two commits and the unified diff between them. */
export interface Comparison {
  repoId: string;
  /** The base commit; null when the head is a root commit compared with its (missing) parent. */
  base: string | null;
  head: string;
  diff: string;
  truncated: boolean;
}

/** A whole diff is cut past this many bytes (the page shows that it was). */
const maxDiffBytes = 2 * 1024 * 1024;
/** Files above this size are summarized as binary, not diffed. */
const maxDiffFileBytes = 1024 * 1024;

/**
 * Diffs between revisions, for the web app's commit and compare pages (the
 * Hub's public API has none). A diff shows file contents, so gated repos
 * require content access, and a repo the caller may not see is missing.
 */
export class DiffService {
  constructor(
    private readonly files: RepoFileService,
    private readonly revisions: RevisionService,
  ) {}

  /**
   * `base..head`, each a revision as every endpoint takes it. A `base` ending
   * in `^` names the first parent of that revision (`<sha>^..<sha>` is one
   * commit's change; a root commit compares with the empty tree).
   */
  async compare(p: Principal, ref: RepoRef, base: string, head: string, signal?: AbortSignal): Promise<Comparison> {
    const { repo, commit: headCommit } = await this.files.openRevision(p, ref, head, { content: true });
    const parentOf = base.endsWith("^");
    let baseCommit: string | null = await this.revisions.resolveRevision(repo, parentOf ? base.slice(0, -1) : base);
    if (parentOf) {
      const [info] = await listCommits(repo.dir, baseCommit, { skip: 0, limit: 1 });
      baseCommit = info?.parents[0] ?? null;
    }
    const diff = await diffCommits(repo.dir, baseCommit, headCommit, { maxBytes: maxDiffBytes, maxFileBytes: maxDiffFileBytes, signal });
    return { repoId: repo.id, base: baseCommit, head: headCommit, diff: diff.text, truncated: diff.truncated };
  }
}
