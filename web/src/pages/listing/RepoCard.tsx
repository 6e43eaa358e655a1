import { type RepoType, repoPagePath } from "../../api";
import { Link } from "../../router";
import { formatCount, fullDate, timeAgo } from "../repo/format";
import type { RepoSummary } from "../repo/types";

/** One repo in a list: id, task, last update, downloads and likes (as the Hub's cards). */
export function RepoCard({ repo, type }: { repo: RepoSummary; type: RepoType }) {
  return (
    <li className="repo-list-item">
      <Link to={repoPagePath(type, repo.id)} className="repo-card">
        <span className="repo-card-title">{repo.id}</span>
        <span className="repo-card-meta">
          {repo.private && <span className="badge badge-private">Private</span>}
          {repo.gated && <span className="badge">Gated</span>}
          {repo.pipeline_tag && <span>{taskLabel(repo.pipeline_tag)}</span>}
          {repo.lastModified && (
            <span title={fullDate(repo.lastModified)}>
              Updated <time dateTime={repo.lastModified}>{timeAgo(repo.lastModified)}</time>
            </span>
          )}
          {type !== "space" && repo.downloads !== undefined && (
            <span>
              <span aria-hidden="true">↓ </span>
              {formatCount(repo.downloads)}
              <span className="visually-hidden"> downloads</span>
            </span>
          )}
          {repo.likes !== undefined && (
            <span>
              <span aria-hidden="true">♥ </span>
              {formatCount(repo.likes)}
              <span className="visually-hidden"> likes</span>
            </span>
          )}
        </span>
      </Link>
    </li>
  );
}

/** `text-generation` -> "Text Generation", `text-to-image` -> "Text-to-Image". */
export function taskLabel(tag: string): string {
  return tag
    .replace(/-to-/g, "\0to\0")
    .split("-")
    .map((w) => w.split("\0").map((p) => (p === "to" ? p : p.slice(0, 1).toUpperCase() + p.slice(1))).join("-"))
    .join(" ");
}
