import { repoPagePath } from "../../api";
import { Link } from "../../router";
import type { RepoRoute } from "../../routes";

/** The repo's id as a heading that links back to it (upload and edit pages). */
export function RepoTitle({ repo }: { repo: RepoRoute }) {
  const kind = repo.type === "dataset" ? "Datasets: " : repo.type === "space" ? "Spaces: " : "";
  return (
    <p className="breadcrumb repo-breadcrumb">
      {kind && <span className="faint">{kind}</span>}
      <Link to={`/${encodeURIComponent(repo.ns)}`}>{repo.ns}</Link>
      <span className="faint" aria-hidden="true">
        /
      </span>
      <Link to={repoPagePath(repo.type, repo.id)} className="repo-breadcrumb-name">
        {repo.name}
      </Link>
    </p>
  );
}
