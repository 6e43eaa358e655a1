/**
 * One commit: its message, author and date (`GET …/commits/<sha>?limit=1`),
 * and its change against its first parent as a diff per file
 * (`GET …/compare/<sha>^..<sha>`, the hub's diff endpoint for the web app).
 */
import { useEffect, useState } from "react";
import { api, ApiError, encodeRev } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { Spinner } from "../../components/Spinner";
import { Link, encodePath } from "../../router";
import { useApi } from "../../use-api";
import { CopyButton } from "./CopyButton";
import { fullDate, shortSha, timeAgo } from "./format";
import { type DiffFile, parseDiff } from "./parse-diff";
import { apiBase, type RepoContext } from "./RepoPage";
import type { Commit } from "./types";

interface Diff {
  files: DiffFile[];
  truncated: boolean;
  base: string | null;
}

export function CommitView({ ctx, sha }: { ctx: RepoContext; sha: string }) {
  const meta = useApi<Commit[]>(`${apiBase(ctx)}/commits/${encodeRev(sha)}?limit=1`);
  const commit = meta.data?.[0];
  const [diff, setDiff] = useState<{ diff?: Diff; error?: Error }>({});
  const base = apiBase(ctx);
  const commitId = commit?.id;
  useEffect(() => {
    if (!commitId) return;
    const controller = new AbortController();
    api<Response>(`${base}/compare/${commitId}^..${commitId}`, { as: "response", headers: { Accept: "text/plain" }, signal: controller.signal })
      .then(async (res) => {
        const base = res.headers.get("X-Diff-Base");
        setDiff({ diff: { files: parseDiff(await res.text()), truncated: res.headers.get("X-Diff-Truncated") === "1", base: base && base !== "empty" ? base : null } });
      })
      .catch((error: Error) => {
        if (error.name !== "AbortError") setDiff({ error });
      });
    return () => controller.abort();
  }, [base, commitId]);

  if (meta.error) {
    return meta.error instanceof ApiError && meta.error.status === 404 ? (
      <EmptyState
        title={`No commit “${sha}” in this repository`}
        action={
          <Link className="btn" to={`${ctx.base}/commits/main`}>
            See the history
          </Link>
        }
      />
    ) : (
      <ErrorBox error={meta.error} title="Could not load the commit" onRetry={meta.reload} />
    );
  }
  if (!commit) return <Spinner />;
  const files = diff.diff?.files ?? [];
  const additions = files.reduce((n, f) => n + f.additions, 0);
  const deletions = files.reduce((n, f) => n + f.deletions, 0);
  return (
    <section className="commit-view" aria-labelledby="commit-title">
      <div className="commit-head card">
        <h2 id="commit-title">{commit.title || "(no message)"}</h2>
        {commit.message && <pre className="commit-message">{commit.message}</pre>}
        <div className="commit-meta muted">
          <span>{commit.authors.map((a) => a.user).join(", ")}</span> committed{" "}
          <time dateTime={commit.date} title={fullDate(commit.date)}>
            {timeAgo(commit.date)}
          </time>
        </div>
        <div className="commit-ids">
          <span>
            commit <code>{commit.id}</code> <CopyButton text={commit.id} label="Copy" className="btn btn-small btn-ghost" />
          </span>
          {diff.diff?.base && (
            <span>
              parent{" "}
              <Link to={`${ctx.base}/commit/${diff.diff.base}`} className="mono">
                {shortSha(diff.diff.base)}
              </Link>
            </span>
          )}
          <Link className="btn btn-small" to={`${ctx.base}/tree/${commit.id}`}>
            Browse files
          </Link>
        </div>
      </div>
      {diff.error ? (
        <ErrorBox error={diff.error} title="Could not load the changes" />
      ) : !diff.diff ? (
        <Spinner label="Loading changes…" />
      ) : files.length === 0 ? (
        <EmptyState title="No file changes in this commit" />
      ) : (
        <>
          <p className="diff-summary">
            Showing <strong>{files.length}</strong> changed {files.length === 1 ? "file" : "files"} with <span className="diff-add-count">{additions} additions</span> and{" "}
            <span className="diff-del-count">{deletions} deletions</span>.
          </p>
          {diff.diff.truncated && (
            <p className="notice" role="note">
              This diff is too large to show in full; the last files are cut. Clone the repository to see all changes.
            </p>
          )}
          {files.map((f) => (
            <FileDiff key={`${f.oldPath}->${f.newPath}`} file={f} ctx={ctx} commit={commit.id} />
          ))}
        </>
      )}
    </section>
  );
}

function FileDiff({ file, ctx, commit }: { file: DiffFile; ctx: RepoContext; commit: string }) {
  const name = file.status === "renamed" ? `${file.oldPath} → ${file.newPath}` : file.newPath;
  const statusLabel = { added: "Added", deleted: "Deleted", modified: "Modified", renamed: "Renamed" }[file.status];
  return (
    <section className="file-diff" aria-label={`${statusLabel} ${name}`}>
      <header className="file-diff-head">
        <span className={`diff-status diff-status-${file.status}`}>{statusLabel}</span>
        <span className="mono file-diff-name">{name}</span>
        <span className="file-diff-counts">
          <span className="diff-add-count">+{file.additions}</span> <span className="diff-del-count">−{file.deletions}</span>
        </span>
        {file.status !== "deleted" && (
          <Link className="btn btn-small btn-ghost" to={`${ctx.base}/blob/${commit}/${encodePath(file.newPath)}`}>
            View file
          </Link>
        )}
      </header>
      {file.binary ? (
        <p className="diff-binary muted">Binary file (or larger than 1 MB): not shown.</p>
      ) : file.hunks.length === 0 ? (
        <p className="diff-binary muted">{file.status === "renamed" ? "Renamed without changes." : "Empty file."}</p>
      ) : (
        <div className="diff-scroll">
          <table className="diff-table">
            <tbody>
              {file.hunks.map((h, i) => (
                <HunkRows key={i} hunk={h} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function HunkRows({ hunk }: { hunk: DiffFile["hunks"][number] }) {
  return (
    <>
      <tr className="diff-hunk">
        <td colSpan={3}>{hunk.header}</td>
      </tr>
      {hunk.lines.map((line, i) => (
        <tr key={i} className={`diff-line diff-${line.kind}`}>
          <td className="diff-no" aria-hidden="true">
            {line.oldNo ?? ""}
          </td>
          <td className="diff-no" aria-hidden="true">
            {line.newNo ?? ""}
          </td>
          <td className="diff-text">
            <span className="visually-hidden">{line.kind === "add" ? "added: " : line.kind === "del" ? "removed: " : ""}</span>
            <span className="diff-sign" aria-hidden="true">
              {line.kind === "add" ? "+" : line.kind === "del" ? "-" : " "}
            </span>
            {line.text}
          </td>
        </tr>
      ))}
    </>
  );
}
