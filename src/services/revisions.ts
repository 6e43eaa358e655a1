import { DomainError } from "../lib/domain-error.js";
import type { CatFilePool } from "../lib/git/cat-file.js";
import { type CommitInfo, countCommits, listCommits } from "../lib/git/log.js";
import { RefFiles } from "../lib/git/ref-files.js";
import { listRefs } from "../lib/git/refs.js";
import { revisionCandidates } from "../lib/git/revisions.js";
import { LruCache } from "../lib/lru-cache.js";
import type { Repo } from "./repos.js";

/** A repo's refs grouped as the Hub's `GET /api/{t}/{repo}/refs` reports them (hf-hub-protocol.md §4.4). */
export interface RepoRefs {
  branches: RefTarget[];
  tags: RefTarget[];
  converts: RefTarget[];
  pullRequests: RefTarget[];
}

export interface RefTarget {
  /** Short name: `main`, `v1`, `1` (for `refs/pr/1`), `parquet`. */
  name: string;
  /** Full ref: `refs/heads/main`. */
  ref: string;
  targetCommit: string;
}

/** Object ids known to peel to a commit, across repos (about 200 bytes each). */
const maxPeeled = 50_000;
/** Revision strings whose candidate lists are kept. */
const maxCandidateLists = 1024;
const fullSha = /^[0-9a-f]{40}$/;
const peelSuffix = "^{commit}";

const refGroups: [prefix: string, group: keyof RepoRefs][] = [
  ["refs/heads/", "branches"],
  ["refs/tags/", "tags"],
  ["refs/convert/", "converts"],
  ["refs/pr/", "pullRequests"],
];

/**
 * Revisions of a repo: what a client's revision string names, and the refs
 * and history behind it. Every read endpoint resolves its revision here, so
 * branch, tag, `HEAD`, `refs/…` and full or short commit ids behave alike
 * everywhere. Callers check read access first (`RepoService.findReadable`).
 */
export class RevisionService {
  /**
   * `<repo id>\0<oid>` → the commit the object peels to. What an object id
   * names never changes, and the repo keeps every object it once had (no `gc`
   * runs on hub repos, bare-repo.ts), so this is never stale. Row ids are never
   * reused: a repo deleted and created again under the same name is another.
   */
  private readonly peeled = new LruCache<string, string>(maxPeeled);
  private readonly candidateLists = new LruCache<string, readonly string[]>(maxCandidateLists);

  constructor(
    private readonly catFiles: CatFilePool,
    private readonly refFiles = new RefFiles(),
  ) {}

  /**
   * The commit a revision names: a branch (before a tag of the same name, as
   * git does), a tag, `HEAD` (the default branch), a full ref such as
   * `refs/pr/1`, or a full or unambiguous short commit id. Throws 404
   * `RevisionNotFound` otherwise.
   *
   * Refs and `HEAD` come from the repo's files, checked on every call (one
   * `stat`, ref-files.ts), so a push by any process is seen at once; what an
   * object id peels to is remembered for good. Short ids, missing and symbolic
   * refs and anything unusual go to the `cat-file` process as before (one round
   * trip per candidate, no process spawn).
   */
  async resolveRevision(repo: Repo, revision: string): Promise<string> {
    for (const spec of this.candidates(revision)) {
      const found = await this.commitOf(repo, spec);
      if (found) return found;
    }
    throw revisionNotFound(revision);
  }

  /** `revisionCandidates`, remembered: clients name the same few revisions (`main`) over and over. */
  private candidates(revision: string): readonly string[] {
    let specs = this.candidateLists.get(revision);
    if (!specs) {
      specs = Object.freeze(revisionCandidates(revision));
      if (revision.length <= 256) this.candidateLists.set(revision, specs);
    }
    return specs;
  }

  /**
   * The commit `spec` (`<name>^{commit}`, from `revisionCandidates`) names, or
   * undefined; without a promise when the ref files and the cache answer.
   */
  private commitOf(repo: Repo, spec: string): string | undefined | Promise<string | undefined> {
    const name = spec.endsWith(peelSuffix) ? spec.slice(0, -peelSuffix.length) : undefined;
    if (name === undefined) return this.askGit(repo, spec);
    if (fullSha.test(name)) return this.peel(repo, name);
    let ref = name;
    if (name === "HEAD") {
      const head = this.refFiles.readHead(repo.dir);
      if (head === "ask-git") return this.askGit(repo, spec);
      if ("oid" in head) return this.peel(repo, head.oid);
      ref = head.ref;
    }
    if (!ref.startsWith("refs/")) return this.askGit(repo, spec); // a short commit id
    const target = this.refFiles.readRef(repo.dir, ref);
    // Git also answers a missing ref (it tries more names than the files hold), so a miss costs what it did.
    if (target === "ask-git") return this.askGit(repo, spec);
    return this.peel(repo, target.oid);
  }

  /** The commit object `oid` is or (an annotated tag) points at; remembered once found. */
  private peel(repo: Repo, oid: string): string | Promise<string | undefined> {
    const key = `${repo.row.id}\0${oid}`;
    return this.peeled.get(key) ?? this.askGit(repo, `${oid}${peelSuffix}`).then((commit) => {
      // Only hits: an id missing now may arrive with the next push.
      if (commit) this.peeled.set(key, commit);
      return commit;
    });
  }

  private async askGit(repo: Repo, spec: string): Promise<string | undefined> {
    const found = await this.catFiles.get(repo.dir).info(spec);
    return found?.type === "commit" ? found.oid : undefined;
  }

  /** Every branch, tag, convert ref and pull-request ref, sorted by name within each group. */
  async listRefs(repo: Repo): Promise<RepoRefs> {
    const out: RepoRefs = { branches: [], tags: [], converts: [], pullRequests: [] };
    for (const { ref, commit } of await listRefs(repo.dir)) {
      const group = refGroups.find(([prefix]) => ref.startsWith(prefix));
      if (group) out[group[1]].push({ name: ref.slice(group[0].length), ref, targetCommit: commit });
    }
    return out;
  }

  /** One page of the history reachable from `commit` (newest first) and the total count. */
  async listCommits(repo: Repo, commit: string, page: { skip: number; limit: number }): Promise<{ commits: CommitInfo[]; total: number }> {
    const [commits, total] = await Promise.all([
      listCommits(repo.dir, commit, page),
      countCommits(repo.dir, commit),
    ]);
    return { commits, total };
  }
}

export function revisionNotFound(revision: string): DomainError {
  const shown = revision.length > 200 ? `${revision.slice(0, 200)}…` : revision;
  return new DomainError("NotFound", `Invalid rev id: ${shown}`, "RevisionNotFound");
}
