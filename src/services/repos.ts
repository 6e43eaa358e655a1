import { randomBytes } from "node:crypto";
import { rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db/connect.js";
import { isUniqueViolation } from "../db/connect.js";
import { deleteRepoRow, findRepo, insertRepo, type RepoRow } from "../db/queries/repos.js";
import { defaultGitattributes } from "../lib/default-gitattributes.js";
import { DomainError } from "../lib/domain-error.js";
import { createBareRepo } from "../lib/git/bare-repo.js";
import { checkName, type RepoType, repoUrlPrefix } from "../lib/repo-names.js";
import { canOwnNamespace, canRead, canWrite, notVisible, writeDenied } from "./access.js";
import type { Principal } from "./principal.js";
import type { CatFilePool } from "../lib/git/cat-file.js";
import type { RepoIndexer } from "./repo-index.js";

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

/** Repo lifecycle and lookup, with the visibility rules applied. */
export class RepoService {
  constructor(
    private readonly db: Db,
    private readonly reposDir: string,
    private readonly tmpDir: string,
    private readonly catFiles: CatFilePool,
    private readonly indexer: RepoIndexer,
  ) {}

  /** Folder of a repo: `<data>/repos/<type>s/<namespace>/<name>.git` (names already validated). */
  dirOf(type: RepoType, namespace: string, name: string): string {
    return path.join(this.reposDir, `${type}s`, namespace, `${name}.git`);
  }

  async create(p: Principal, input: { type: RepoType; namespace?: string | null; name: unknown; private?: boolean }): Promise<Repo> {
    if (p.kind === "anonymous") throw new DomainError("Unauthenticated", "Authentication required to create a repository");
    if (p.token.role !== "write") throw new DomainError("PermissionDenied", "This token is read-only; use a write token");
    const name = checkName(input.name, "repo name");
    const namespace = checkName(input.namespace ?? p.name, "namespace");
    if (!canOwnNamespace(p, namespace)) {
      throw new DomainError("PermissionDenied", `You cannot create repositories in namespace '${namespace}'`);
    }
    let row: RepoRow;
    try {
      row = await insertRepo(this.db, { type: input.type, namespace, name, private: input.private ?? false });
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
    await rm(trash, { recursive: true, force: true });
  }

  /** The repo if the caller may read it; otherwise the same error a missing repo gives. */
  async findReadable(p: Principal, ref: RepoRef): Promise<Repo> {
    const row = await this.lookup(ref);
    if (!row || !canRead(p, row)) throw notVisible(p);
    return this.toRepo(row);
  }

  /** The repo if the caller may write it; a repo they cannot see is reported as missing. */
  async findWritable(p: Principal, ref: RepoRef): Promise<Repo> {
    const repo = await this.findReadable(p, ref);
    if (!canWrite(p, repo.row)) throw writeDenied(p, repo.id);
    return repo;
  }

  /** The repo with no permission check, for requests that carry their own authority (signed links). */
  async findUnchecked(ref: RepoRef): Promise<Repo | undefined> {
    const row = await this.lookup(ref);
    return row && this.toRepo(row);
  }

  /** The repo's URL for clients: `<base>/<prefix><namespace>/<name>`. */
  static url(baseUrl: string, repo: Repo): string {
    return `${baseUrl}/${repoUrlPrefix[repo.type]}${repo.id}`;
  }

  private async lookup(ref: RepoRef): Promise<RepoRow | undefined> {
    // Names that break the rules cannot exist; answering "not found" keeps hostile input away from SQL and disk.
    try {
      checkName(ref.namespace, "namespace");
      checkName(ref.name, "repo name");
    } catch {
      return undefined;
    }
    return findRepo(this.db, ref);
  }

  private toRepo(row: RepoRow): Repo {
    const type = row.type as RepoType;
    return { row, type, id: `${row.namespace}/${row.name}`, dir: this.dirOf(type, row.namespace, row.name) };
  }
}
