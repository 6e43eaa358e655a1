import { randomBytes } from "node:crypto";
import { rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db/connect.js";
import { isUniqueViolation } from "../db/connect.js";
import { deleteRepoRow, findRepo, insertRepo, type RepoRow } from "../db/queries/repos.js";
import { defaultGitattributes } from "../lib/default-gitattributes.js";
import { DomainError } from "../lib/domain-error.js";
import { createBareRepo } from "../lib/git/bare-repo.js";
import { LruCache } from "../lib/lru-cache.js";
import { checkName, type RepoType, repoUrlPrefix } from "../lib/repo-names.js";
import { canOwnNamespace, canRead, canReadContent, canWrite, gatedDenied, needsGateDecision, notVisible, writeDenied } from "./access.js";
import { findAccessRequestStatus } from "../db/queries/access-requests.js";
import type { Principal } from "./principal.js";
import type { CatFilePool } from "../lib/git/cat-file.js";
import type { RepoIndexer } from "./repo-index.js";
import type { AuditLog } from "./audit-log.js";

/** A repo as the services hand it around: its row, its id and its folder. */
export interface Repo {
  row: RepoRow;
  type: RepoType;
  /** `namespace/name`. */
  id: string;
  dir: string;
}

export interface RepoRef {
  type: RepoType;
  namespace: string;
  name: string;
}

/** Repo names whose rows (or absence) are kept between requests. */
const maxCachedRows = 10_000;

/** Repo lifecycle and lookup, with the visibility rules applied. */
export class RepoService {
  /**
   * Repos by `type\0namespace\0name` (undefined: no such repo), each with the
   * database's change mark read before its row was (`Db.changeMark`). One is
   * used only while the mark is unchanged, that is while no connection has
   * committed anything since, so a repo made private, moved or deleted is never
   * served from here. Without a mark (PostgreSQL) every look-up queries.
   */
  private readonly repos = new LruCache<string, { mark: number; repo: Repo | undefined }>(maxCachedRows);

  constructor(
    private readonly db: Db,
    private readonly reposDir: string,
    private readonly tmpDir: string,
    private readonly catFiles: CatFilePool,
    private readonly indexer: RepoIndexer,
    private readonly audit?: AuditLog,
  ) {}

  /** Folder of a repo: `<data>/repos/<type>s/<namespace>/<name>.git` (names already validated). */
  dirOf(type: RepoType, namespace: string, name: string): string {
    return path.join(this.reposDir, `${type}s`, namespace, `${name}.git`);
  }

  async create(p: Principal, input: { type: RepoType; namespace?: string | null; name: unknown; private?: boolean }): Promise<Repo> {
    if (p.kind === "anonymous") throw new DomainError("Unauthenticated", "Authentication required to create a repository");
    if (p.token.role === "read") throw new DomainError("PermissionDenied", "This token is read-only; use a write token");
    const name = checkName(input.name, "repo name");
    const namespace = checkName(input.namespace ?? p.name, "namespace");
    if (!canOwnNamespace(p, namespace)) {
      throw new DomainError("PermissionDenied", `You cannot create repositories in namespace '${namespace}'`);
    }
    let row: RepoRow;
    try {
      row = await insertRepo(this.db, { type: input.type, namespace, name, private: input.private ?? false, createdBy: p.userId });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError("AlreadyExists", `You already created this ${input.type} repo`);
      throw err;
    }
    // The row is the lock on the name; the folder is built aside and renamed into place.
    const dir = this.dirOf(input.type, namespace, name);
    try {
      await rm(dir, { recursive: true, force: true }); // leftovers of a repo whose row is gone
      await createBareRepo(
        dir,
        [{ path: ".gitattributes", content: defaultGitattributes(input.type) }],
        "initial commit",
        { name: p.name, email: p.email ?? `${p.name}@users.noreply.modelport` },
      );
    } catch (err) {
      await deleteRepoRow(this.db, row.id);
      throw err;
    }
    const repo = this.toRepo(row);
    await this.indexer.refresh(repo);
    return repo;
  }

  /** Deletes a repo the caller may write; its folder is moved aside first, then removed. */
  async delete(p: Principal, ref: RepoRef): Promise<void> {
    const repo = await this.findWritable(p, ref);
    const trash = path.join(this.tmpDir, `deleted-${randomBytes(6).toString("hex")}`);
    this.catFiles.forget(repo.dir);
    await rename(repo.dir, trash).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") throw err;
    });
    await deleteRepoRow(this.db, repo.row.id);
    await this.audit?.record(p, "repo.delete", `${repo.type}/${repo.id}`, { private: repo.row.private === 1 });
    await rm(trash, { recursive: true, force: true });
  }

  /** The repo if the caller may read it; otherwise the same error a missing repo gives. */
  async findReadable(p: Principal, ref: RepoRef): Promise<Repo> {
    const repo = await this.lookup(ref);
    if (!repo || !canRead(p, repo.row)) throw notVisible(p);
    return repo;
  }

  /**
   * The repo if the caller may read its file contents (downloads, git clone,
   * LFS, inference): gated repos keep their info public but their files closed
   * to those without access (`GatedRepo`).
   */
  async findContentReadable(p: Principal, ref: RepoRef): Promise<Repo> {
    const repo = await this.findReadable(p, ref);
    if (!(await this.mayReadContent(p, repo))) throw gatedDenied(p, repo.type, repo.id);
    return repo;
  }

  /**
   * `canReadContent` for a repo the caller can see, with the caller's access
   * request looked up when it matters (never cached: a revoked request closes
   * the files at once).
   */
  async mayReadContent(p: Principal, repo: Repo): Promise<boolean> {
    if (!needsGateDecision(p, repo.row) || p.kind !== "user") return canReadContent(p, repo.row);
    const status = await findAccessRequestStatus(this.db, repo.row.id, p.userId);
    return canReadContent(p, repo.row, status === "accepted");
  }

  /** The repo if the caller may write it; a repo they cannot see is reported as missing. */
  async findWritable(p: Principal, ref: RepoRef): Promise<Repo> {
    const repo = await this.findReadable(p, ref);
    if (!canWrite(p, repo.row)) throw writeDenied(p, repo.id);
    return repo;
  }

  /** The repo with no permission check, for requests that carry their own authority (signed links). */
  async findUnchecked(ref: RepoRef): Promise<Repo | undefined> {
    return this.lookup(ref);
  }

  /** The repo's URL for clients: `<base>/<prefix><namespace>/<name>`. */
  static url(baseUrl: string, repo: Repo): string {
    return `${baseUrl}/${repoUrlPrefix[repo.type]}${repo.id}`;
  }

  /** The repo named `ref`, whoever asks; a cache hit comes without a promise (every request starts here). */
  private lookup(ref: RepoRef): Repo | undefined | Promise<Repo | undefined> {
    // Names that break the rules cannot exist; answering "not found" keeps hostile input away from SQL and disk.
    try {
      checkName(ref.namespace, "namespace");
      checkName(ref.name, "repo name");
    } catch {
      return undefined;
    }
    const mark = this.db.changeMark?.();
    if (mark === undefined) return findRepo(this.db, ref).then((row) => row && this.toRepo(row));
    const key = `${ref.type}\0${ref.namespace}\0${ref.name}`;
    const hit = this.repos.get(key);
    if (hit?.mark === mark) return hit.repo;
    return findRepo(this.db, ref).then((row) => {
      // Shared by every request that hits it: frozen so none can change it for the others.
      const repo = row && Object.freeze(this.toRepo(Object.freeze(row)));
      this.repos.set(key, { mark, repo });
      return repo;
    });
  }

  private toRepo(row: RepoRow): Repo {
    const type = row.type as RepoType;
    return { row, type, id: `${row.namespace}/${row.name}`, dir: this.dirOf(type, row.namespace, row.name) };
  }
}
