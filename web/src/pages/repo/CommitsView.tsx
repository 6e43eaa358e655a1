/** History of a revision (`GET /api/{t}/<repo>/commits/<rev>?limit=&p=`), paginated with `?p=` in the URL. */
import { useEffect, useState } from "react";
import { api, ApiError, encodeRev } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { Spinner } from "../../components/Spinner";
import { Link, useSearchParams } from "../../router";
import { CopyButton } from "./CopyButton";
import { fullDate, shortSha, timeAgo } from "./format";
import { RefSwitcher } from "./RefSwitcher";
import { apiBase, type RepoContext } from "./RepoPage";
import type { Commit } from "./types";

const perPage = 20;

export function CommitsView({ ctx, rev }: { ctx: RepoContext; rev: string }) {
  const [params] = useSearchParams();
  const page = Math.max(0, Number.parseInt(params.get("p") ?? "0", 10) || 0);
  const url = `${apiBase(ctx)}/commits/${encodeRev(rev)}?limit=${perPage}&p=${page}`;
  const [state, setState] = useState<{ url: string; commits?: Commit[]; total?: number; error?: Error }>({ url: "" });
  useEffect(() => {
    const controller = new AbortController();
    api<Response>(url, { as: "response", signal: controller.signal })
      .then(async (res) => setState({ url, commits: (await res.json()) as Commit[], total: Number(res.headers.get("X-Total-Count") ?? "0") }))
      .catch((error: Error) => {
        if (error.name !== "AbortError") setState({ url, error });
      });
    return () => controller.abort();
  }, [url]);
  const fresh = state.url === url;
  const pages = state.total !== undefined ? Math.max(1, Math.ceil(state.total / perPage)) : 1;
  const pageLink = (p: number) => `${ctx.base}/commits/${encodeRev(rev)}${p > 0 ? `?p=${p}` : ""}`;
  return (
    <section className="commits-view" aria-labelledby="commits-title">
      <div className="files-toolbar">
        <RefSwitcher ctx={ctx} rev={rev} view="commits" />
        <h2 id="commits-title" className="toolbar-title">
          Commit history{fresh && state.total !== undefined && <span className="muted"> · {state.total}</span>}
        </h2>
      </div>
      {!fresh ? (
        <Spinner label="Loading commits…" />
      ) : state.error ? (
        state.error instanceof ApiError && state.error.status === 404 ? (
          <EmptyState title={`No branch, tag or commit “${rev}”`}>{state.error.message}</EmptyState>
        ) : (
          <ErrorBox error={state.error} title="Could not load the history" />
        )
      ) : state.commits!.length === 0 ? (
        <EmptyState title="No commits on this page" />
      ) : (
        <>
          <ol className="commit-list">
            {state.commits!.map((c) => (
              <li key={c.id} className="commit-item">
                <div className="commit-main">
                  <Link to={`${ctx.base}/commit/${c.id}`} className="commit-title">
                    {c.title || "(no message)"}
                  </Link>
                  <div className="commit-meta muted">
                    <span>{c.authors.map((a) => a.user).join(", ")}</span> committed{" "}
                    <time dateTime={c.date} title={fullDate(c.date)}>
                      {timeAgo(c.date)}
                    </time>
                  </div>
                </div>
                <div className="commit-actions">
                  <Link to={`${ctx.base}/commit/${c.id}`} className="mono commit-sha" aria-label={`Commit ${shortSha(c.id)}`}>
                    {shortSha(c.id)}
                  </Link>
                  <CopyButton text={c.id} label="Copy" className="btn btn-small btn-ghost" />
                  <Link to={`${ctx.base}/tree/${c.id}`} className="btn btn-small" aria-label={`Browse files at ${shortSha(c.id)}`}>
                    Browse
                  </Link>
                </div>
              </li>
            ))}
          </ol>
          {pages > 1 && (
            <nav className="pager" aria-label="Pages">
              {page > 0 ? (
                <Link className="btn" to={pageLink(page - 1)} rel="prev">
                  ← Newer
                </Link>
              ) : (
                <span />
              )}
              <span className="muted">
                Page {page + 1} of {pages}
              </span>
              {page + 1 < pages ? (
                <Link className="btn" to={pageLink(page + 1)} rel="next">
                  Older →
                </Link>
              ) : (
                <span />
              )}
            </nav>
          )}
        </>
      )}
    </section>
  );
}
