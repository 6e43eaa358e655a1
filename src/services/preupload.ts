import { DomainError } from "../lib/domain-error.js";
import { GitAttributes } from "../lib/gitattributes.js";
import { GitIgnore } from "../lib/gitignore.js";
import type { CatFilePool } from "../lib/git/cat-file.js";
import { isSafeRepoPath } from "../lib/git/revisions.js";
import { maxPointerSize, parseLfsPointer } from "../lib/lfs/pointer.js";
import type { BranchService } from "./branches.js";
import type { Principal } from "./principal.js";
import type { Repo, RepoRef, RepoService } from "./repos.js";

/** Files at least this large always go to LFS, as on huggingface.co. */
export const lfsSizeThreshold = 10 * 1024 * 1024;

/** Most files one preupload request may ask about (huggingface_hub sends 256, @huggingface/hub 100). */
const maxFiles = 1000;

export interface PreuploadFile {
  path: string;
  size: number;
  /** The first bytes of the file (up to 512). */
  sample: Buffer;
}

export interface PreuploadDecision {
  path: string;
  uploadMode: "lfs" | "regular";
  shouldIgnore: boolean;
  /**
   * The file at this path on the target revision, in the form the client
   * compares with its own: the sha256 of an LFS file, the git blob id of a
   * regular one. huggingface_hub leaves out files whose oid did not change.
   */
  oid?: string;
}

/**
 * Preupload (hf-hub-protocol.md §5.4): for each file a client is about to
 * commit, whether it goes to LFS and whether the repo's `.gitignore` drops it.
 * LFS when the target revision's `.gitattributes` (or the one the client is
 * committing) sends the path to LFS, when the file is 10 MiB or more, or when
 * its first bytes hold a NUL (binary). `.gitattributes` itself and empty
 * files are always regular.
 */
export class PreuploadService {
  constructor(
    private readonly repos: RepoService,
    private readonly branches: BranchService,
    private readonly catFiles: CatFilePool,
  ) {}

  async preupload(
    p: Principal,
    ref: RepoRef,
    revision: string,
    input: { files: PreuploadFile[]; gitAttributes?: string; gitIgnore?: string },
  ): Promise<PreuploadDecision[]> {
    const repo = await this.repos.findWritable(p, ref);
    const { head } = await this.branches.writableRef(repo, revision);
    if (input.files.length > maxFiles) throw new DomainError("InvalidArgument", `at most ${maxFiles} files per preupload request`);
    for (const f of input.files) {
      if (!isSafeRepoPath(f.path)) throw new DomainError("Unprocessable", `invalid path ${JSON.stringify(f.path.slice(0, 200))}`);
    }
    const paths = new Set(input.files.map((f) => f.path));
    const attributes = GitAttributes.parse(input.gitAttributes ?? (await this.text(repo, head, ".gitattributes")));
    // huggingface_hub's order: the .gitignore it was given, else the one being committed, else the repo's.
    const ignore = GitIgnore.parse(input.gitIgnore ?? (paths.has(".gitignore") ? "" : await this.text(repo, head, ".gitignore")));
    const out: PreuploadDecision[] = [];
    for (const f of input.files) {
      const uploadMode = modeOf(f, attributes);
      const decision: PreuploadDecision = { path: f.path, uploadMode, shouldIgnore: ignore.isIgnored(f.path) };
      const oid = await this.remoteOid(repo, head, f.path, uploadMode);
      if (oid) decision.oid = oid;
      out.push(decision);
    }
    return out;
  }

  /** The current file's oid in the form `mode` compares (see `PreuploadDecision.oid`), when there is one. */
  private async remoteOid(repo: Repo, head: string, path: string, mode: "lfs" | "regular"): Promise<string | undefined> {
    const git = this.catFiles.get(repo.dir);
    const info = await git.info(`${head}:${path}`);
    if (info?.type !== "blob") return undefined;
    const pointer = info.size < maxPointerSize ? parseLfsPointer((await git.contents(info.oid))?.content ?? "") : undefined;
    if (mode === "lfs") return pointer?.oid;
    return pointer ? undefined : info.oid;
  }

  /** A small text file of the revision, or "" when it has none. */
  private async text(repo: Repo, head: string, path: string): Promise<string> {
    const blob = await this.catFiles.get(repo.dir).contents(`${head}:${path}`);
    return blob?.info.type === "blob" ? blob.content.toString("utf8") : "";
  }
}

function modeOf(f: PreuploadFile, attributes: GitAttributes): "lfs" | "regular" {
  if (f.path === ".gitattributes" || f.size === 0) return "regular";
  if (attributes.isLfs(f.path) || f.size >= lfsSizeThreshold || f.sample.includes(0)) return "lfs";
  return "regular";
}
