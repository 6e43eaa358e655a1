import type { Db } from "../db/connect.js";
import { deleteLike, hasLike, insertLike, likersOfRepo, likesOfUser } from "../db/queries/repo-stats.js";
import { findUserByName } from "../db/queries/users.js";
import { DomainError } from "../lib/domain-error.js";
import type { RepoType } from "../lib/repo-names.js";
import { canRead } from "./access.js";
import type { Principal } from "./principal.js";
import type { Repo, RepoRef, RepoService } from "./repos.js";

/** Most entries a likes or likers list returns. */
const maxListed = 10_000;

export interface LikedRepo {
  type: RepoType;
  id: string;
  createdAt: string;
}

/**
 * Likes (huggingface_hub `like`, `unlike`, `list_liked_repos`,
 * `list_repo_likers`): a signed-in user likes any repo they can see; lists
 * show only repos the caller can see.
 */
export class LikeService {
  constructor(
    private readonly db: Db,
    private readonly repos: RepoService,
  ) {}

  async like(p: Principal, ref: RepoRef): Promise<void> {
    const userId = this.liker(p);
    const repo = await this.repos.findReadable(p, ref);
    await insertLike(this.db, userId, repo.row.id, new Date());
  }

  async unlike(p: Principal, ref: RepoRef): Promise<void> {
    const userId = this.liker(p);
    const repo = await this.repos.findReadable(p, ref);
    await deleteLike(this.db, userId, repo.row.id, new Date());
  }

  /** Whether the caller likes a repo they already opened; false for anonymous callers. */
  async isLikedBy(p: Principal, repo: Repo): Promise<boolean> {
    return p.kind === "user" && hasLike(this.db, p.userId, repo.row.id);
  }

  /** The repos a user likes, newest first, without those the caller may not see. */
  async likedBy(p: Principal, userName: string): Promise<LikedRepo[]> {
    const user = await findUserByName(this.db, userName);
    if (!user) throw new DomainError("NotFound", `User ${JSON.stringify(userName.slice(0, 100))} not found`);
    const rows = await likesOfUser(this.db, user.id, maxListed);
    return rows
      .filter((r) => canRead(p, r))
      .map((r) => ({ type: r.type as RepoType, id: `${r.namespace}/${r.name}`, createdAt: r.liked_at }));
  }

  /** The users who like a repo the caller can see, newest first. */
  async likers(p: Principal, ref: RepoRef): Promise<{ name: string; fullname: string }[]> {
    const repo = await this.repos.findReadable(p, ref);
    return likersOfRepo(this.db, repo.row.id, maxListed);
  }

  /** Likes are a signed-in user's own act: anonymous callers and read-only tokens are refused. */
  private liker(p: Principal): number {
    if (p.kind !== "user") throw new DomainError("Unauthenticated", "You must be signed in to like a repository");
    if (p.via !== "session" && p.token.role === "read") {
      throw new DomainError("PermissionDenied", "This token is read-only; use a write token to like a repository");
    }
    return p.userId;
  }
}
