import { encodeRev } from "../../api";
import { Link, encodePath } from "../../router";
import type { RepoContext } from "./RepoPage";

/** `name / folder / sub / file`, each folder a link into the tree at `rev`. */
export function PathBreadcrumb({ ctx, rev, path }: { ctx: RepoContext; rev: string; path: string }) {
  const parts = path ? path.split("/") : [];
  const name = ctx.id.split("/")[1]!;
  const tree = (to: string) => `${ctx.base}/tree/${encodeRev(rev)}${to ? `/${encodePath(to)}` : ""}`;
  return (
    <nav className="breadcrumb path-breadcrumb" aria-label="Path">
      <ol>
        <li>
          {parts.length === 0 ? (
            <span aria-current="page">{name}</span>
          ) : (
            <Link to={tree("")}>{name}</Link>
          )}
        </li>
        {parts.map((part, i) => {
          const to = parts.slice(0, i + 1).join("/");
          const last = i === parts.length - 1;
          return (
            <li key={to}>
              {last ? <span aria-current="page">{part}</span> : <Link to={tree(to)}>{part}</Link>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
