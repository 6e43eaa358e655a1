/**
 * One file at a revision: text and JSON shown highlighted (JSON pretty
 * printed), large or binary files as their size and a download link. File
 * facts come from `POST /api/{t}/<repo>/paths-info/<rev>` (size, LFS, last
 * commit); bytes from `/resolve/`.
 */
import { useState } from "react";
import { ApiError, encodeRev } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { Spinner } from "../../components/Spinner";
import { Link, encodePath } from "../../router";
import { useSession } from "../../session";
import { PathBreadcrumb } from "./Breadcrumb";
import { formatBytes, fullDate, timeAgo } from "./format";
import { CodeBlock, Markdown } from "./Markdown";
import { RefSwitcher } from "./RefSwitcher";
import { apiBase, type RepoContext } from "./RepoPage";
import type { TreeEntry } from "./types";
import { usePost } from "./use-post";
import { useText } from "./use-text";

/** Files up to this size are shown inline; larger ones only offer a download. */
export const maxViewBytes = 1024 * 1024;

const languages: Record<string, string> = {
  json: "json", jsonl: "json", md: "markdown", py: "python", js: "javascript", mjs: "javascript", ts: "typescript", tsx: "typescript",
  yaml: "yaml", yml: "yaml", toml: "ini", ini: "ini", cfg: "ini", sh: "bash", txt: "plaintext", csv: "plaintext", html: "xml",
  xml: "xml", css: "css", rs: "rust", go: "go", c: "c", h: "c", cpp: "cpp", java: "java", jinja: "django", j2: "django", gitattributes: "plaintext",
};

export function languageOf(path: string): string | undefined {
  const name = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  const ext = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1) : name;
  return languages[ext];
}

export function BlobView({ ctx, rev, path }: { ctx: RepoContext; rev: string; path: string }) {
  const session = useSession();
  const info = usePost<TreeEntry[]>(`${apiBase(ctx)}/paths-info/${encodeRev(rev)}`, { paths: [path], expand: true });
  const entry = info.data?.find((e) => e.path === path);
  const size = entry ? (entry.lfs?.size ?? entry.size) : 0;
  const inline = entry?.type === "file" && !entry.lfs && size <= maxViewBytes;
  const resolveUrl = `${ctx.base}/resolve/${encodeRev(rev)}/${encodePath(path)}`;
  const text = useText(inline ? resolveUrl : null);
  const name = path.slice(path.lastIndexOf("/") + 1);

  const missing = (info.data && (!entry || entry.type !== "file")) || (info.error instanceof ApiError && info.error.status === 404);
  return (
    <section className="blob-view" aria-labelledby="blob-title">
      <div className="files-toolbar">
        <RefSwitcher ctx={ctx} rev={rev} view="blob" path={path} />
        <PathBreadcrumb ctx={ctx} rev={rev} path={path} />
      </div>
      {missing ? (
        <EmptyState
          title={`No file “${path}” at ${rev}`}
          action={
            <Link className="btn" to={`${ctx.base}/tree/${encodeRev(rev)}`}>
              Browse the files at {rev}
            </Link>
          }
        >
          {info.error instanceof ApiError && info.error.code === "RevisionNotFound" ? info.error.message : "It may have been moved or deleted, or exist only on another branch."}
        </EmptyState>
      ) : info.error ? (
        <ErrorBox error={info.error} title="Could not load the file" onRetry={info.reload} />
      ) : !entry ? (
        <Spinner />
      ) : (
        <div className="blob-card">
          <div className="blob-head">
            <h2 id="blob-title" className="blob-name">
              {name}
            </h2>
            <span className="muted">{formatBytes(size)}</span>
            {entry.lfs && (
              <span className="badge badge-lfs" title={`Stored with Git LFS, sha256 ${entry.lfs.oid}`}>
                LFS
              </span>
            )}
            {entry.lastCommit && (
              <span className="blob-commit muted">
                <Link to={`${ctx.base}/commit/${entry.lastCommit.id}`}>{entry.lastCommit.title}</Link> ·{" "}
                <time dateTime={entry.lastCommit.date} title={fullDate(entry.lastCommit.date)}>
                  {timeAgo(entry.lastCommit.date)}
                </time>
              </span>
            )}
            <span className="blob-actions">
              {inline && session.user && (
                <Link className="btn btn-small" to={`${ctx.base}/edit/${encodeRev(rev)}/${encodePath(path)}`}>
                  Edit
                </Link>
              )}
              <a className="btn btn-small" href={`${ctx.base}/raw/${encodeRev(rev)}/${encodePath(path)}`}>
                Raw
              </a>
              <a className="btn btn-small btn-primary" href={`${resolveUrl}?download=true`} download={name}>
                Download
              </a>
            </span>
          </div>
          <FileBody path={path} size={size} entry={entry} inline={inline} text={text} ctx={ctx} rev={rev} downloadUrl={resolveUrl} />
        </div>
      )}
    </section>
  );
}

function FileBody(props: {
  ctx: RepoContext;
  rev: string;
  path: string;
  size: number;
  entry: TreeEntry;
  inline: boolean;
  text: { text?: string; error?: Error; reload(): void };
  downloadUrl: string;
}) {
  const { path, size, entry, inline, text } = props;
  const [preview, setPreview] = useState(true);
  if (!inline) {
    return (
      <div className="blob-large">
        <p>
          {entry.lfs ? "This file is stored with Git LFS" : "This file is too large to display"} ({formatBytes(size)}).{" "}
          <a href={`${props.downloadUrl}?download=true`} download>
            Download it
          </a>{" "}
          to view it.
        </p>
        {entry.lfs && (
          <dl className="meta-list">
            <div className="meta-row">
              <dt>SHA256</dt>
              <dd className="mono">{entry.lfs.oid}</dd>
            </div>
            <div className="meta-row">
              <dt>Pointer size</dt>
              <dd>{formatBytes(entry.lfs.pointerSize)}</dd>
            </div>
          </dl>
        )}
      </div>
    );
  }
  if (text.error) return <ErrorBox error={text.error} title="Could not load the file" onRetry={text.reload} />;
  if (text.text === undefined) return <Spinner />;
  if (looksBinary(text.text)) {
    return (
      <div className="blob-large">
        <p>
          Binary file ({formatBytes(size)}), not shown.{" "}
          <a href={`${props.downloadUrl}?download=true`} download>
            Download it
          </a>
          .
        </p>
      </div>
    );
  }
  const language = languageOf(path);
  if (language === "markdown") {
    return (
      <div className="blob-body">
        <div className="blob-toggle" role="group" aria-label="Show as">
          <button type="button" className="btn btn-small" aria-pressed={preview} onClick={() => setPreview(true)}>
            Preview
          </button>
          <button type="button" className="btn btn-small" aria-pressed={!preview} onClick={() => setPreview(false)}>
            Code
          </button>
        </div>
        {preview ? (
          <Markdown text={text.text} base={{ repoPath: props.ctx.base, rev: props.rev, dir: path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "" }} />
        ) : (
          <CodeBlock text={text.text} language="markdown" />
        )}
      </div>
    );
  }
  return (
    <div className="blob-body">
      <CodeBlock text={language === "json" && /\.json$/i.test(path) ? prettyJson(text.text) : text.text} language={language} />
    </div>
  );
}

/** JSON re-indented for reading; the text as is when it does not parse. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A NUL, or many replacement characters (bytes that are not UTF-8), in the first 8000 characters. */
export function looksBinary(text: string): boolean {
  const head = text.slice(0, 8000);
  if (head.includes("\0")) return true;
  const bad = head.split("\uFFFD").length - 1;
  return bad > 8 && bad > head.length / 100;
}
