/**
 * "Files and versions": a folder at a revision (`GET /api/{t}/<repo>/tree/<rev>/<path>?expand=true`,
 * which adds each entry's last commit), with sizes, an LFS badge, a
 * breadcrumb, the branch and tag switcher, and "Load more" along the `Link`
 * cursor for big folders.
 */
import { useEffect, useState } from "react";
import { api, ApiError, encodeRev } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { Spinner } from "../../components/Spinner";
import { Link, encodePath } from "../../router";
import { useSession } from "../../session";
import { PathBreadcrumb } from "./Breadcrumb";
import { formatBytes, fullDate, timeAgo } from "./format";
import { RefSwitcher } from "./RefSwitcher";
import { apiBase, type RepoContext } from "./RepoPage";
import type { TreeEntry } from "./types";

export function FilesView({ ctx, rev, path }: { ctx: RepoContext; rev: string; path: string }) {
  const session = useSession();
  const first = `${apiBase(ctx)}/tree/${encodeRev(rev)}${path ? `/${encodePath(path)}` : ""}?expand=true`;
  const [entries, setEntries] = useState<TreeEntry[] | undefined>();
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [loadingMore, setLoadingMore] = useState(false);

  const load = async (url: string, append: boolean, signal?: AbortSignal) => {
    const res = await api<Response>(url, { as: "response", signal });
    const page = (await res.json()) as TreeEntry[];
    setEntries((prev) => (append && prev ? [...prev, ...page] : page));
    setNext(nextLink(res.headers.get("Link")));
  };
  useEffect(() => {
    const controller = new AbortController();
    load(first, false, controller.signal).catch((err: Error) => {
      if (err.name !== "AbortError") setError(err);
    });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [first]);

  const more = async () => {
    if (!next) return;
    setLoadingMore(true);
    try {
      await load(next, true);
    } catch (err) {
      setError(err as Error);
    } finally {
      setLoadingMore(false);
    }
  };

  const sorted = entries ? [...entries].sort((a, b) => (a.type === b.type ? 0 : a.type === "directory" ? -1 : 1)) : undefined;
  const parent = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
  return (
    <section className="files-view" aria-labelledby="files-title">
      <h2 id="files-title" className="visually-hidden">
        Files and versions
      </h2>
      <div className="files-toolbar">
        <RefSwitcher ctx={ctx} rev={rev} view="tree" path={path} />
        <PathBreadcrumb ctx={ctx} rev={rev} path={path} />
        <div className="files-actions">
          <Link className="btn btn-small" to={`${ctx.base}/commits/${encodeRev(rev)}`}>
            History
          </Link>
          {session.user && (
            <Link className="btn btn-small" to={`${ctx.base}/upload/${encodeRev(rev)}${path ? `/${encodePath(path)}` : ""}`}>
              + Add files
            </Link>
          )}
        </div>
      </div>
      {error ? (
        error instanceof ApiError && error.status === 404 ? (
          <EmptyState
            title={error.code === "RevisionNotFound" ? `No branch, tag or commit “${rev}”` : `No folder “${path}” at ${rev}`}
            action={
              <Link className="btn" to={`${ctx.base}/tree/main`}>
                Go to the main branch
              </Link>
            }
          >
            {error.message}
          </EmptyState>
        ) : (
          <ErrorBox error={error} title="Could not list the files" />
        )
      ) : !sorted ? (
        <Spinner label="Loading files…" />
      ) : (
        <div className="file-table-wrap">
          <table className="file-table">
            <caption className="visually-hidden">
              Files in {path || "the repository root"} at {rev}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col" className="hide-narrow">
                  Last commit
                </th>
                <th scope="col" className="hide-narrow num">
                  Updated
                </th>
              </tr>
            </thead>
            <tbody>
              {path && (
                <tr>
                  <td colSpan={4}>
                    <Link to={`${ctx.base}/tree/${encodeRev(rev)}${parent ? `/${encodePath(parent)}` : ""}`} aria-label="Parent folder">
                      ..
                    </Link>
                  </td>
                </tr>
              )}
              {sorted.map((e) => (
                <FileRow key={e.path} ctx={ctx} rev={rev} entry={e} />
              ))}
            </tbody>
          </table>
          {sorted.length === 0 && <EmptyState title="This folder is empty" />}
          {next && (
            <p className="load-more">
              <button type="button" className="btn" onClick={() => void more()} disabled={loadingMore}>
                {loadingMore ? "Loading…" : "Load more files"}
              </button>
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function FileRow({ ctx, rev, entry }: { ctx: RepoContext; rev: string; entry: TreeEntry }) {
  const name = entry.path.slice(entry.path.lastIndexOf("/") + 1);
  const isDir = entry.type === "directory";
  const to = `${ctx.base}/${isDir ? "tree" : "blob"}/${encodeRev(rev)}/${encodePath(entry.path)}`;
  const size = entry.lfs?.size ?? entry.size;
  return (
    <tr>
      <td className="file-name">
        {isDir ? <FolderIcon /> : <FileIcon />}
        <Link to={to}>
          {name}
          {isDir && <span className="visually-hidden"> (folder)</span>}
        </Link>
        {entry.lfs && (
          <span className="badge badge-lfs" title="Stored with Git LFS">
            LFS
          </span>
        )}
      </td>
      <td className="num">
        {!isDir && (
          <a href={`${ctx.base}/resolve/${encodeRev(rev)}/${encodePath(entry.path)}?download=true`} className="file-size" title={`Download ${name}`} download>
            {formatBytes(size)}
            <span className="visually-hidden"> — download {name}</span>
          </a>
        )}
      </td>
      <td className="hide-narrow file-commit">
        {entry.lastCommit && (
          <Link to={`${ctx.base}/commit/${entry.lastCommit.id}`} className="muted">
            {entry.lastCommit.title}
          </Link>
        )}
      </td>
      <td className="hide-narrow num muted">
        {entry.lastCommit && (
          <time dateTime={entry.lastCommit.date} title={fullDate(entry.lastCommit.date)}>
            {timeAgo(entry.lastCommit.date)}
          </time>
        )}
      </td>
    </tr>
  );
}

/** The path and query of a `Link: <…>; rel="next"` (the hub's absolute URL may name another host). */
export function nextLink(link: string | null): string | undefined {
  const match = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  if (!match) return undefined;
  try {
    const url = new URL(match[1]!, window.location.origin);
    return url.pathname + url.search;
  } catch {
    return undefined;
  }
}

function FolderIcon() {
  return (
    <svg className="file-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M1.5 3.5h4.2l1.5 1.5h7.3v7.5a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1z" fill="#fbbf24" stroke="#b45309" strokeWidth="1" />
    </svg>
  );
}

function FileIcon() {
  return (
    <svg className="file-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M3.5 1.5h6l3 3v10h-9z" fill="#fff" stroke="#6b7280" strokeWidth="1" />
      <path d="M9.5 1.5v3h3" fill="none" stroke="#6b7280" strokeWidth="1" />
    </svg>
  );
}
