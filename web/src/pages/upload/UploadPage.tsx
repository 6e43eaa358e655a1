import { type DragEvent, type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError, isNotFound, repoApiPath, repoPagePath } from "../../api";
import { ErrorBox } from "../../components/ErrorBox";
import { NotFound } from "../../components/NotFound";
import { Spinner } from "../../components/Spinner";
import { type UploadFile, type UploadProgress, uploadFiles } from "../../lib/upload";
import { Link, encodePath, navigate } from "../../router";
import type { RepoRoute } from "../../routes";
import { useSession } from "../../session";
import { useApi, useTitle } from "../../use-api";
import { RepoTitle } from "../edit/RepoTitle";
import { formatBytes } from "../repo/format";

/**
 * `…/upload/:rev[/folder]`: add files to a repo from the browser — drop them
 * (folders too) or pick them, write a commit message, watch the progress.
 * Large and binary files go through LFS as the Hub clients send them.
 */
export function UploadPage({ repo }: { repo: RepoRoute }) {
  const rev = repo.rev ?? "main";
  const session = useSession();
  useTitle(`Upload files · ${repo.id}`);
  const access = useApi<unknown>(session.user ? `${repoApiPath(repo.type, repo.id)}/auth-check/write` : null);
  const [folder, setFolder] = useState(repo.path ?? "");
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [summary, setSummary] = useState("");
  const [description, setDescription] = useState("");
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<unknown>();
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  if (session.loading) return <div className="container-medium"><Spinner /></div>;
  if (!session.user) {
    return (
      <div className="container-medium">
        <RepoTitle repo={repo} />
        <p className="notice">
          <Link to={`/login?next=${encodeURIComponent(window.location.pathname)}`}>Sign in</Link> to upload files.
        </p>
      </div>
    );
  }
  if (access.loading) return <div className="container-medium"><Spinner /></div>;
  if (access.error && isNotFound(access.error)) return <NotFound what="repository" />;
  if (access.error) {
    return (
      <div className="container-medium">
        <RepoTitle repo={repo} />
        <ErrorBox error={access.error} title={access.error instanceof ApiError && access.error.status === 403 ? "You cannot write to this repository" : undefined} />
      </div>
    );
  }

  const busy = progress !== null && progress.phase !== "done";
  const prefix = folder.replace(/^\/+|\/+$/g, "");
  const target = (f: UploadFile) => (prefix ? `${prefix}/${f.path}` : f.path);
  const totalSize = files.reduce((n, f) => n + f.file.size, 0);

  const add = (more: UploadFile[]) => {
    setError(undefined);
    setFiles((current) => {
      const byPath = new Map(current.map((f) => [f.path, f]));
      for (const f of more) byPath.set(f.path, f);
      return [...byPath.values()];
    });
  };

  const onDrop = async (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (busy) return;
    add(await droppedFiles(event.dataTransfer));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (files.length === 0) return setError(new Error("Add at least one file first."));
    const controller = new AbortController();
    abort.current = controller;
    setError(undefined);
    try {
      await uploadFiles({
        type: repo.type,
        id: repo.id,
        rev,
        files: files.map((f) => ({ path: target(f), file: f.file })),
        summary: summary.trim() || defaultSummary(files.length, files[0]),
        description: description.trim(),
        onProgress: setProgress,
        signal: controller.signal,
      });
      navigate(`${repoPagePath(repo.type, repo.id)}/tree/${encodeURIComponent(rev)}${prefix ? `/${encodePath(prefix)}` : ""}`);
    } catch (err) {
      setProgress(null);
      setError((err as Error).name === "AbortError" ? new Error("Upload cancelled: nothing was committed.") : err);
    } finally {
      abort.current = null;
    }
  };

  const percent = progress ? Math.floor((progress.done / progress.total) * 100) : 0;
  return (
    <div className="container-medium">
      <RepoTitle repo={repo} />
      <h2>Upload files</h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="upload-folder">Into folder</label>
          <div className="path-input">
            <span className="faint mono">{repo.id}/</span>
            <input id="upload-folder" className="input mono" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="(root)" disabled={busy} spellCheck={false} />
          </div>
          <span className="field-help">
            On branch <code>{rev}</code>.
          </span>
        </div>

        <div
          className={`dropzone${dragging ? " active" : ""}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => void onDrop(e)}
          data-testid="dropzone"
        >
          <p>
            <strong>Drag files or folders here</strong>
          </p>
          <p className="muted">or</p>
          <button type="button" className="btn" onClick={() => picker.current?.click()} disabled={busy}>
            Choose files
          </button>
          <label htmlFor="upload-picker" className="visually-hidden">
            Choose files to upload
          </label>
          <input
            id="upload-picker"
            ref={picker}
            type="file"
            multiple
            hidden
            onChange={(e) => {
              add([...(e.target.files ?? [])].map((file) => ({ path: file.name, file })));
              e.target.value = "";
            }}
          />
          <p className="field-help">Files of 10 MB or more, and binary files, are stored with Git LFS.</p>
        </div>

        {files.length > 0 && (
          <div className="card upload-list">
            <div className="upload-list-head">
              <strong>
                {files.length} file{files.length === 1 ? "" : "s"}
              </strong>
              <span className="muted">{formatBytes(totalSize)}</span>
            </div>
            <ul className="plain-list">
              {files.map((f) => {
                const state = progress?.files[target(f)];
                return (
                  <li key={f.path} className="upload-item">
                    <span className="mono upload-path">{target(f)}</span>
                    <span className="faint">{formatBytes(f.file.size)}</span>
                    {state ? (
                      <span className="badge">
                        {state.lfs ? "LFS · " : ""}
                        {stageLabel[state.stage]}
                      </span>
                    ) : (
                      <button type="button" className="btn btn-small btn-ghost" onClick={() => setFiles(files.filter((x) => x !== f))} aria-label={`Remove ${f.path}`} disabled={busy}>
                        Remove
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          </div>
        )}

        <div className="field">
          <label htmlFor="upload-summary">Commit message</label>
          <input id="upload-summary" className="input" value={summary} onChange={(e) => setSummary(e.target.value)} placeholder={defaultSummary(files.length, files[0])} disabled={busy} maxLength={500} />
        </div>
        <div className="field">
          <label htmlFor="upload-description">Extended description (optional)</label>
          <textarea id="upload-description" className="input" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} disabled={busy} />
        </div>

        {error !== undefined && <ErrorBox error={error} title="The upload did not finish" />}
        {progress && (
          <div className="upload-progress" aria-live="polite">
            <div className="progress" role="progressbar" aria-label="Upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
              <span style={{ width: `${percent}%` }} />
            </div>
            <span className="muted">
              {phaseLabel[progress.phase]} · {percent}%
            </span>
          </div>
        )}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={busy || files.length === 0}>
            {busy ? "Uploading…" : "Commit changes"}
          </button>
          {busy ? (
            <button type="button" className="btn" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          ) : (
            <Link to={`${repoPagePath(repo.type, repo.id)}/tree/${encodeURIComponent(rev)}`} className="btn btn-ghost">
              Back to files
            </Link>
          )}
        </div>
      </form>
    </div>
  );
}

const stageLabel: Record<string, string> = {
  waiting: "waiting",
  hashing: "hashing",
  uploading: "uploading",
  stored: "uploaded",
  ignored: "ignored (.gitignore)",
  committed: "committed",
  failed: "failed",
};

const phaseLabel: Record<UploadProgress["phase"], string> = {
  preparing: "Preparing",
  hashing: "Hashing large files",
  uploading: "Uploading large files",
  committing: "Committing",
  done: "Done",
};

function defaultSummary(count: number, first?: UploadFile): string {
  if (count === 1 && first) return `Upload ${first.path}`;
  return `Upload ${count || ""} files`.replace("  ", " ");
}

/** The files of a drop, folders walked recursively (their paths kept relative to the drop). */
async function droppedFiles(data: DataTransfer): Promise<UploadFile[]> {
  const entries = [...data.items].map((item) => item.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return [...data.files].map((file) => ({ path: file.name, file }));
  const out: UploadFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ path: prefix + entry.name, file });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries answers in batches until it answers an empty one.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, "");
  return out;
}
