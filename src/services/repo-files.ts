import type { Readable } from "node:stream";
import type { Db } from "../db/connect.js";
import { findLinkedLfsObjects } from "../db/queries/lfs-objects.js";
import { sumLinkedLfsSize } from "../db/queries/repo-storage.js";
import { DomainError } from "../lib/domain-error.js";
import { streamBlob } from "../lib/git/blob-stream.js";
import type { CatFilePool, ObjectInfo } from "../lib/git/cat-file.js";
import { listCommits } from "../lib/git/log.js";
import { isSafeRepoPath } from "../lib/git/revisions.js";
import { listTree, type TreeEntry } from "../lib/git/tree.js";
import { maxPointerSize, parseLfsPointer } from "../lib/lfs/pointer.js";
import { LruCache } from "../lib/lru-cache.js";
import { type CardMetadata, maxCardBytes, parseCard } from "../lib/model-card.js";
import type { BlobStore, ByteRange } from "../lib/storage/blob-store.js";
import { gateFreeFiles } from "./access.js";
import type { Principal } from "./principal.js";
import type { Repo, RepoRef, RepoService } from "./repos.js";
import type { RevisionService } from "./revisions.js";

/** A file at a revision. For LFS files `size` is the content's size and `lfs.pointerSize` the pointer blob's. */
export interface RepoFile {
  type: "file";
  path: string;
  /** The git blob id (of the pointer, for LFS files). */
  oid: string;
  size: number;
  lfs?: { oid: string; size: number; pointerSize: number };
}

export interface RepoFolder {
  type: "directory";
  path: string;
  /** The git tree id. */
  oid: string;
  size: 0;
}

export type RepoEntry = RepoFile | RepoFolder;

/** The last commit that touched a path (tree and paths-info with `expand`). */
export interface LastCommit {
  id: string;
  title: string;
  /** ISO-8601 UTC. */
  date: string;
}

/** What `/resolve` and `/raw` serve: the bytes of one file at one commit. */
export interface FileDownload {
  file: RepoFile;
  /** Bytes the body has in full. */
  size: number;
  /** Content hash, the cache key of huggingface_hub: LFS sha256, or the git blob sha1. */
  etag: string;
  /** True when the bytes come from the LFS store rather than git. */
  fromLfs: boolean;
  /** The bytes, whole or one range; small git blobs come as a buffer. */
  open(range?: ByteRange): Promise<Buffer | Readable>;
}

export interface TreePage {
  entries: RepoEntry[];
  /** Present when more entries follow; pass it back as `cursor`. */
  nextCursor?: string;
}

/** Git blobs up to this size are read whole through the cat-file pool; larger ones stream from their own process. */
const bufferedBlobBytes = 512 * 1024;
/** Small blobs (pointer candidates and small files) are cached by oid; a blob's bytes never change. */
const cachedBlobBytes = 64 * 1024;
const blobCacheBudget = 16 * 1024 * 1024;
/**
 * Budget (in bytes, roughly) for what `<commit>:<path>` names. A commit id fixes
 * its whole tree, so an answer, "not found" included, never changes.
 */
const pathInfoBudget = 8 * 1024 * 1024;
const fullCommitId = /^[0-9a-f]{40}$/;
/** Concurrent `git log` runs when filling `lastCommit` for one page. */
const lastCommitConcurrency = 8;

/**
 * Reading a repo's files at a revision: download, tree listings, paths-info,
 * the file list of repo info, and the model card of a revision. Git objects
 * come through the long-running cat-file pool; LFS contents stream from the
 * `BlobStore`, and only once the object is linked to the repo.
 */
export class RepoFileService {
  private readonly smallBlobs = new LruCache<string, Buffer>(blobCacheBudget, (b) => b.length + 64);
  private readonly blobReads = new Map<string, Promise<Buffer>>();
  /** Whole listings of recently paged folders, keyed by tree id (immutable). */
  private readonly listings = new LruCache<string, TreeEntry[]>(8);
  /** `<commit>:<path>` look-ups per repo; `null` records "no such path". */
  private readonly pathInfos = new LruCache<string, { info: ObjectInfo | null; weight: number }>(pathInfoBudget, (v) => v.weight);

  constructor(
    private readonly db: Db,
    private readonly repos: RepoService,
    private readonly revisions: RevisionService,
    private readonly catFiles: CatFilePool,
    private readonly blobStore: BlobStore,
  ) {}

  /**
   * The repo (if the caller may read it) and the commit `revision` names.
   * With `content`, also requires access to file contents (gated repos),
   * unless `file` is one of the `gateFreeFiles` (the card, `.gitattributes`).
   */
  async openRevision(p: Principal, ref: RepoRef, revision: string, opts: { content?: boolean; file?: string } = {}): Promise<{ repo: Repo; commit: string }> {
    const gated = opts.content && !(opts.file !== undefined && gateFreeFiles.includes(opts.file));
    const repo = gated ? await this.repos.findContentReadable(p, ref) : await this.repos.findReadable(p, ref);
    const commit = await this.revisions.resolveRevision(repo, revision);
    return { repo, commit };
  }

  /** Whether the caller may download the files of a repo they can see (gated repos: owners and accepted users). */
  mayReadContent(p: Principal, repo: Repo): Promise<boolean> {
    return this.repos.mayReadContent(p, repo);
  }

  /** The file at `path`; 404 `EntryNotFound` when there is none (or it is a folder). */
  async stat(repo: Repo, commit: string, path: string): Promise<RepoFile> {
    checkPath(path);
    const info = await this.infoAt(repo, commit, path);
    if (info?.type !== "blob") throw entryNotFound(path);
    return this.toFile(repo, path, info.oid, info.size);
  }

  /**
   * What `path` is at `commit`, remembered when `commit` is a full id (it came
   * from `resolveRevision`, so the repo holds it). Keyed by the repo's row id,
   * never reused: a repo deleted and created again under the same name is
   * another id, and a renamed one keeps its id and its objects. A hit comes
   * without a promise: this is on the path of every download.
   */
  private infoAt(repo: Repo, commit: string, path: string): ObjectInfo | undefined | Promise<ObjectInfo | undefined> {
    if (!fullCommitId.test(commit)) return this.catFiles.get(repo.dir).info(`${commit}:${path}`);
    const key = `${repo.row.id}\0${commit}\0${path}`;
    const hit = this.pathInfos.get(key);
    if (hit) return hit.info ?? undefined;
    return this.catFiles
      .get(repo.dir)
      .info(`${commit}:${path}`)
      .then((info) => {
        this.pathInfos.set(key, { info: info ?? null, weight: key.length * 2 + 160 });
        return info;
      });
  }

  /**
   * Opens a file for download. `raw` serves the git blob as stored (the
   * pointer text of an LFS file); otherwise an LFS file is served from the
   * store, and a pointer whose object this hub does not hold is an error that
   * says so rather than the pointer text.
   */
  async download(repo: Repo, commit: string, path: string, opts: { raw: boolean }): Promise<FileDownload> {
    const file = await this.stat(repo, commit, path);
    if (!file.lfs || opts.raw) {
      const blobSize = file.lfs?.pointerSize ?? file.size;
      return { file, size: blobSize, etag: file.oid, fromLfs: false, open: (range) => this.openBlob(repo, file.oid, blobSize, range) };
    }
    const { oid, size } = file.lfs;
    const linked = await findLinkedLfsObjects(this.db, repo.row.id, [oid]);
    if (linked.get(oid) !== size) {
      throw new DomainError(
        "NotFound",
        `The LFS object of '${path}' (sha256:${oid}, ${size} bytes) is not stored on this hub; push it with 'git lfs push --all'`,
      );
    }
    return { file, size, etag: oid, fromLfs: true, open: (range) => this.blobStore.read(oid, range) };
  }

  /**
   * One page of the entries under folder `dir` ("" for the root): its
   * children, or with `recursive` every file and folder below it, in git's
   * order. 404 `EntryNotFound` when the folder does not exist.
   */
  async listTree(
    repo: Repo,
    commit: string,
    dir: string,
    opts: { recursive: boolean; limit: number; cursor?: string },
  ): Promise<TreePage> {
    if (dir !== "") checkPath(dir);
    const folder = await this.catFiles.get(repo.dir).info(dir === "" ? `${commit}^{tree}` : `${commit}:${dir}`);
    if (folder?.type !== "tree") throw entryNotFound(dir);
    const key = `${repo.dir}\0${folder.oid}\0${dir}\0${opts.recursive}`;
    let all = this.listings.get(key);
    if (!all) {
      const prefix = dir === "" ? "" : `${dir}/`;
      all = (await listTree(repo.dir, folder.oid, "", opts.recursive))
        .filter((e) => e.type !== "commit")
        .map((e) => ({ ...e, path: prefix + e.path }));
      if (all.length > opts.limit) this.listings.set(key, all);
    }
    const start = opts.cursor === undefined ? 0 : parseCursor(opts.cursor);
    const page = all.slice(start, start + opts.limit);
    const entries = await Promise.all(page.map((e) => this.toEntry(repo, e)));
    const next = start + opts.limit;
    return next < all.length ? { entries, nextCursor: formatCursor(next) } : { entries };
  }

  /** The entries among `paths` that exist at `commit`; missing ones are left out (hf-hub-protocol.md §4.3). */
  async pathsInfo(repo: Repo, commit: string, paths: string[]): Promise<RepoEntry[]> {
    for (const p of paths) checkPath(p);
    const found = await Promise.all(
      [...new Set(paths)].map(async (path): Promise<RepoEntry | undefined> => {
        const info = await this.infoAt(repo, commit, path);
        if (info?.type === "tree") return { type: "directory", path, oid: info.oid, size: 0 };
        if (info?.type === "blob") return this.toFile(repo, path, info.oid, info.size);
        return undefined;
      }),
    );
    return found.filter((e): e is RepoEntry => e !== undefined);
  }

  /** Every file at `commit` (repo info `siblings`); with `details`, sizes and LFS metadata too. */
  async listFiles(repo: Repo, commit: string, opts: { details: boolean }): Promise<RepoFile[]> {
    const blobs = (await listTree(repo.dir, commit, "", true)).filter((e) => e.type === "blob");
    if (!opts.details) return blobs.map((e) => ({ type: "file", path: e.path, oid: e.oid, size: e.size }));
    return Promise.all(blobs.map((e) => this.toFile(repo, e.path, e.oid, e.size)));
  }

  /** The last commit touching each path, from `commit` back (tree and paths-info `expand`). */
  async lastCommits(repo: Repo, commit: string, paths: string[]): Promise<Map<string, LastCommit>> {
    const out = new Map<string, LastCommit>();
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const path = paths[next++]!;
        // `:(literal)` keeps glob characters in file names from acting as patterns.
        const [c] = await listCommits(repo.dir, commit, { skip: 0, limit: 1, path: `:(literal)${path}` });
        if (c) out.set(path, { id: c.oid, title: c.title, date: c.date });
      }
    };
    await Promise.all(Array.from({ length: Math.min(lastCommitConcurrency, paths.length) }, worker));
    return out;
  }

  /** The model card metadata of README.md at `commit` (`{ data: {} }` when there is none). */
  async cardAt(repo: Repo, commit: string): Promise<CardMetadata> {
    const git = this.catFiles.get(repo.dir);
    const readme = await git.info(`${commit}:README.md`);
    if (readme?.type !== "blob") return { data: {} };
    if (readme.size > maxCardBytes) return { data: {}, error: "README.md is too large to read its metadata" };
    const blob = await git.contents(readme.oid);
    return blob ? parseCard(blob.content.toString("utf8")) : { data: {} };
  }

  /** Bytes of LFS storage the repo uses (git objects are not counted). */
  usedStorage(repo: Repo): Promise<number> {
    return sumLinkedLfsSize(this.db, repo.row.id);
  }

  private async toEntry(repo: Repo, e: TreeEntry): Promise<RepoEntry> {
    if (e.type === "tree") return { type: "directory", path: e.path, oid: e.oid, size: 0 };
    return this.toFile(repo, e.path, e.oid, e.size);
  }

  /** A blob as a file, with its LFS pointer read when it could be one. */
  private async toFile(repo: Repo, path: string, oid: string, blobSize: number): Promise<RepoFile> {
    if (blobSize >= maxPointerSize) return { type: "file", path, oid, size: blobSize };
    const pointer = parseLfsPointer(await this.smallBlob(repo, oid));
    if (!pointer) return { type: "file", path, oid, size: blobSize };
    return { type: "file", path, oid, size: pointer.size, lfs: { oid: pointer.oid, size: pointer.size, pointerSize: blobSize } };
  }

  private smallBlob(repo: Repo, oid: string): Promise<Buffer> {
    const cached = this.smallBlobs.get(oid);
    if (cached) return Promise.resolve(cached);
    // Concurrent reads of one blob (a listing of identical files) share one cat-file round trip.
    let pending = this.blobReads.get(oid);
    if (!pending) {
      pending = this.catFiles
        .get(repo.dir)
        .contents(oid)
        .then((blob) => {
          if (!blob) throw new Error(`blob ${oid} vanished from ${repo.dir}`);
          if (blob.content.length <= cachedBlobBytes) this.smallBlobs.set(oid, blob.content);
          return blob.content;
        })
        .finally(() => this.blobReads.delete(oid));
      this.blobReads.set(oid, pending);
    }
    return pending;
  }

  private async openBlob(repo: Repo, oid: string, size: number, range?: ByteRange): Promise<Buffer | Readable> {
    if (size > bufferedBlobBytes) return streamBlob(repo.dir, oid, range);
    const content = await this.smallBlob(repo, oid);
    return range ? content.subarray(range.start, range.end + 1) : content;
  }
}

function checkPath(path: string): void {
  if (!isSafeRepoPath(path)) {
    const shown = JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}…` : path);
    throw new DomainError("InvalidArgument", `Invalid path ${shown}: paths are relative, without '.', '..', '.git', NUL or backslash segments`);
  }
}

export function entryNotFound(path: string): DomainError {
  return new DomainError("NotFound", `Entry not found: ${path.length > 200 ? `${path.slice(0, 200)}…` : path}`, "EntryNotFound");
}

// The cursor is an offset into the listing of one immutable tree (the page links name the commit, not a branch).
function formatCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString("base64url");
}

function parseCursor(cursor: string): number {
  const m = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw new DomainError("InvalidArgument", "Invalid cursor");
  return Number(m[1]);
}
