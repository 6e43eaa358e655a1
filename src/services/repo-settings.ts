import { access, mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db/connect.js";
import { isUniqueViolation } from "../db/connect.js";
import {
  deleteRepoMove,
  insertRepoMove,
  listRepoMoves,
  lockRepoRow,
  renameRepoRow,
  updateRepoSettings,
} from "../db/queries/repo-settings.js";
import { DomainError } from "../lib/domain-error.js";
import type { CatFilePool } from "../lib/git/cat-file.js";
import { checkName, type RepoType } from "../lib/repo-names.js";
import { canOwnNamespace } from "./access.js";
import type { Principal } from "./principal.js";
import type { Repo, RepoRef, RepoService } from "./repos.js";
import type { AuditLog } from "./audit-log.js";
import type { RepoIndexer } from "./repo-index.js";

export const gatedModes = ["auto", "manual"] as const;
export type Gated = false | (typeof gatedModes)[number];

export interface RepoSettingsInput {
  private?: boolean;
  gated?: Gated;
}

/**
 * A repo's settings (visibility, gating), its renames, and the Hub's access
 * probe. Every change needs write access; a repo the caller cannot see answers
 * like a missing one.
 */
export class RepoSettingsService {
  constructor(
    private readonly db: Db,
    private readonly repos: RepoService,
    private readonly catFiles: CatFilePool,
    private readonly indexer: RepoIndexer,
    private readonly audit?: AuditLog,
  ) {}

  /**
   * `GET /api/{t}/<repo>/auth-check[/write]` (hf-hub-protocol.md §4.8): passes
   * when the caller may read the repo's files (or write the repo), and
   * otherwise fails exactly as those operations would.
   */
  async authCheck(p: Principal, ref: RepoRef, want: "read" | "write"): Promise<void> {
    if (want === "write") {
      await this.repos.findWritable(p, ref);
      return;
    }
    await this.repos.findContentReadable(p, ref);
  }

  /** Changes visibility and gating (`PUT /api/{t}/<repo>/settings`). */
  async update(p: Principal, ref: RepoRef, input: RepoSettingsInput): Promise<Repo> {
    if (input.gated !== undefined && input.gated !== false && !gatedModes.includes(input.gated)) {
      throw new DomainError("InvalidArgument", "gated must be false, \"auto\" or \"manual\"");
    }
    const repo = await this.repos.findWritable(p, ref);
    if (input.private === undefined && input.gated === undefined) return repo;
    const row = await updateRepoSettings(this.db, repo.row.id, {
      private: input.private,
      gated: input.gated === undefined ? undefined : input.gated === false ? "false" : input.gated,
    });
    if (!row) throw new DomainError("NotFound", "Repository not found", "RepoNotFound"); // deleted meanwhile
    const target = `${repo.type}/${repo.id}`;
    if (row.private !== repo.row.private) await this.audit?.record(p, "repo.visibility", target, { private: row.private === 1 });
    if (row.gated !== repo.row.gated) await this.audit?.record(p, "repo.gating", target, { from: repo.row.gated, to: row.gated });
    return { ...repo, row };
  }

  /**
   * Renames a repo (`POST /api/repos/move`): its row and its folder.
   *
   * Ordering, so that a crash leaves the repo under exactly one name:
   * 1. a `repo_moves` record is committed first, naming both places;
   * 2. in one transaction the row takes the new name — the row is the lock on
   *    a name, and until commit the old name stays taken (PostgreSQL holds the
   *    row, SQLite the database), so no `create` can claim either name and
   *    clear "its" folder — and the folder is renamed inside that transaction;
   *    if the commit fails the folder is renamed back;
   * 3. the record is deleted.
   * A crash between the folder rename and the commit leaves the old name in
   * the database and the folder at the new place: at start-up
   * `finishInterruptedMoves` sees the record and moves the folder to where the
   * row's name says. Whichever name the database holds wins; never both, never
   * neither.
   */
  async move(p: Principal, type: RepoType, from: { namespace: string; name: string }, to: { namespace: string; name: string }): Promise<Repo> {
    const repo = await this.repos.findWritable(p, { type, ...from });
    checkName(to.namespace, "namespace");
    checkName(to.name, "repo name");
    if (!canOwnNamespace(p, to.namespace)) {
      throw new DomainError("PermissionDenied", `You cannot move repositories into namespace '${to.namespace}'`);
    }
    if (to.namespace === repo.row.namespace && to.name === repo.row.name) {
      throw new DomainError("InvalidArgument", "fromRepo and toRepo are the same repository");
    }
    const fromDir = repo.dir;
    const toDir = this.repos.dirOf(type, to.namespace, to.name);
    try {
      await insertRepoMove(this.db, {
        repo_id: repo.row.id,
        from_namespace: repo.row.namespace,
        from_name: repo.row.name,
        to_namespace: to.namespace,
        to_name: to.name,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError("Conflict", `${repo.id} is being moved already`);
      throw err;
    }
    let folderMoved = false;
    try {
      await this.db.kysely.transaction().execute(async (tx) => {
        const inTx: Db = { ...this.db, kysely: tx };
        let renamed: boolean;
        try {
          renamed = await renameRepoRow(inTx, repo.row.id, { type, namespace: repo.row.namespace, name: repo.row.name }, to);
        } catch (err) {
          if (isUniqueViolation(err)) throw new DomainError("AlreadyExists", `${type} repo ${to.namespace}/${to.name} already exists`);
          throw err;
        }
        if (!renamed) throw new DomainError("Conflict", `${repo.id} was changed meanwhile; try again`);
        // A long-running cat-file keyed by a path must not serve the repo that later takes that path.
        this.catFiles.forget(fromDir);
        this.catFiles.forget(toDir);
        await mkdir(path.dirname(toDir), { recursive: true });
        // No row holds the new name, so anything at its folder is a leftover (as `create` treats it).
        await rm(toDir, { recursive: true, force: true });
        await rename(fromDir, toDir);
        folderMoved = true;
      });
    } catch (err) {
      if (folderMoved) await rename(toDir, fromDir);
      throw err;
    } finally {
      await deleteRepoMove(this.db, repo.row.id);
    }
    await this.audit?.record(p, "repo.move", `${type}/${repo.id}`, { to: `${to.namespace}/${to.name}` });
    const moved = await this.repos.findUnchecked({ type, ...to });
    if (!moved) throw new DomainError("NotFound", "Repository not found", "RepoNotFound"); // deleted right after
    // The id is part of what search and the tree read: index the repo under its new name.
    await this.indexer.refresh(moved);
    return moved;
  }

  /**
   * Completes or undoes moves a crash interrupted (see `move`): each recorded
   * repo's folder is put where its row's name says. Runs at start-up; under the
   * row lock, so a move still running in another process is waited for.
   */
  async finishInterruptedMoves(): Promise<number> {
    let fixed = 0;
    for (const m of await listRepoMoves(this.db)) {
      await this.db.kysely.transaction().execute(async (tx) => {
        const inTx: Db = { ...this.db, kysely: tx };
        const row = await lockRepoRow(inTx, m.repo_id);
        if (row) {
          const type = row.type as RepoType;
          const want = this.repos.dirOf(type, row.namespace, row.name);
          const fromDir = this.repos.dirOf(type, m.from_namespace, m.from_name);
          const other = want === fromDir ? this.repos.dirOf(type, m.to_namespace, m.to_name) : fromDir;
          if (!(await exists(want)) && (await exists(other))) {
            this.catFiles.forget(want);
            this.catFiles.forget(other);
            await mkdir(path.dirname(want), { recursive: true });
            await rename(other, want);
            fixed++;
          }
        }
        await deleteRepoMove(inTx, m.repo_id);
      });
    }
    return fixed;
  }
}

const exists = (p: string) => access(p).then(() => true, () => false);
