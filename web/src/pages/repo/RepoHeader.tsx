import { useEffect, useState } from "react";
import { api, ApiError, plural, type RepoType, repoApiPath } from "../../api";
import { Link } from "../../router";
import { useSession } from "../../session";
import { useAction } from "../../use-action";
import { taskLabel } from "../listing/RepoCard";
import { CopyButton } from "./CopyButton";
import { formatCount } from "./format";
import { repoTags } from "./tags";
import type { RepoInfo } from "./types";

/** The top of a repo page: the id (with a copy button), likes, downloads and the card's tags. */
export function RepoHeader({ type, info }: { type: RepoType; info: RepoInfo }) {
  const [ns, name] = info.id.split("/") as [string, string];
  const tags = repoTags(info);
  const list = `/${plural[type]}`;
  return (
    <div className="repo-header">
      <div className="repo-title-row">
        <h1 className="repo-title">
          {type !== "model" && <span className="repo-kind">{type === "dataset" ? "Datasets:" : "Spaces:"}</span>}
          <Link to={`/${encodeURIComponent(ns)}`} className="repo-ns">
            {ns}
          </Link>
          <span className="repo-slash" aria-hidden="true">
            /
          </span>
          <span className="repo-name">{name}</span>
        </h1>
        <CopyButton text={info.id} label="Copy id" className="btn btn-small btn-ghost" />
        <LikeButton type={type} info={info} />
        {info.private && <span className="badge badge-private">Private</span>}
        {info.gated && <span className="badge">Gated ({info.gated})</span>}
        {type !== "space" && info.downloads !== undefined && (
          <span className="repo-stat" title="Downloads in the last 30 days">
            <span aria-hidden="true">↓ </span>
            {formatCount(info.downloads)} <span className="muted">downloads last month</span>
          </span>
        )}
      </div>
      <ul className="tag-list" aria-label="Tags">
        {tags.task && (
          <li>
            <Link className="tag tag-task" to={`${list}?pipeline_tag=${encodeURIComponent(tags.task)}`}>
              {taskLabel(tags.task)}
            </Link>
          </li>
        )}
        {tags.library && (
          <li>
            <Link className="tag tag-library" to={`${list}?library=${encodeURIComponent(tags.library)}`}>
              {tags.library}
            </Link>
          </li>
        )}
        {tags.languages.map((l) => (
          <li key={`lang-${l}`}>
            <Link className="tag tag-language" to={`${list}?language=${encodeURIComponent(l)}`}>
              <span className="tag-key">language:</span> {l}
            </Link>
          </li>
        ))}
        {tags.other.map((t) => (
          <li key={`tag-${t}`}>
            <Link className="tag" to={`${list}?other=${encodeURIComponent(t)}`}>
              {t}
            </Link>
          </li>
        ))}
        {tags.licenses.map((l) => (
          <li key={`license-${l}`}>
            <Link className="tag tag-license" to={`${list}?license=${encodeURIComponent(l)}`}>
              <span className="tag-key">License:</span> {l}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Like / unlike (signed in), with the count; anonymous visitors are offered to sign in. */
function LikeButton({ type, info }: { type: RepoType; info: RepoInfo }) {
  const session = useSession();
  const [liked, setLiked] = useState(info.isLikedByUser ?? false);
  const [count, setCount] = useState(info.likes ?? 0);
  const action = useAction();
  useEffect(() => {
    setLiked(info.isLikedByUser ?? false);
    setCount(info.likes ?? 0);
  }, [info.isLikedByUser, info.likes]);
  if (!session.user) {
    return (
      <Link className="btn btn-small like-button" to="/login" title="Sign in to like this repository">
        <span aria-hidden="true">♡</span> Like <span className="like-count">{formatCount(count)}</span>
      </Link>
    );
  }
  const toggle = async () => {
    const next = !liked;
    await action.run(async () => {
      await api(`${repoApiPath(type, info.id)}/like`, { method: next ? "POST" : "DELETE" });
      setLiked(next);
      setCount((c) => Math.max(0, c + (next ? 1 : -1)));
    });
  };
  const error = action.error === undefined ? null : action.error instanceof ApiError ? action.error.message : "Could not update the like";
  return (
    <>
      <button type="button" className={`btn btn-small like-button${liked ? " liked" : ""}`} aria-pressed={liked} onClick={() => void toggle()} disabled={action.busy}>
        <span aria-hidden="true">{liked ? "♥" : "♡"}</span> {liked ? "Liked" : "Like"} <span className="like-count">{formatCount(count)}</span>
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
