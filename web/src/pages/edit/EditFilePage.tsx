import { type FormEvent, useEffect, useState } from "react";
import { ApiError, api, encodeRev, isNotFound, repoApiPath, repoPagePath } from "../../api";
import { ErrorBox } from "../../components/ErrorBox";
import { NotFound } from "../../components/NotFound";
import { Spinner } from "../../components/Spinner";
import { Link, encodePath, navigate } from "../../router";
import type { RepoRoute } from "../../routes";
import { useSession } from "../../session";
import { useAction } from "../../use-action";
import { useTitle } from "../../use-api";
import { Markdown, stripFrontMatter } from "../repo/Markdown";
import { RepoTitle } from "./RepoTitle";

/** Files larger than this are not edited in a textarea. */
const maxEditableBytes = 1 << 20;
const lfsPointer = /^version https:\/\/git-lfs\.github\.com\/spec\/v1\n/;

interface Loaded {
  /** The commit the text was read at; the save is based on it (`parentCommit`). */
  sha: string;
  text: string;
  exists: boolean;
}

/**
 * `…/edit/:rev/<path>`: edit a text file — the model card first — in the
 * browser and commit it with the NDJSON commit API. The commit names the
 * revision it was based on, so an edit never silently overwrites a change
 * made meanwhile.
 */
export function EditFilePage({ repo }: { repo: RepoRoute }) {
  const rev = repo.rev ?? "main";
  const path = repo.path || "README.md";
  const isCard = path === "README.md";
  useTitle(`Edit ${path} · ${repo.id}`);
  const session = useSession();
  const [loaded, setLoaded] = useState<{ data?: Loaded; error?: unknown }>({});
  const [text, setText] = useState("");
  const [tab, setTab] = useState<"edit" | "preview">("edit");
  const [summary, setSummary] = useState("");
  const [description, setDescription] = useState("");
  const action = useAction();
  const { busy, error } = action;

  useEffect(() => {
    const controller = new AbortController();
    const signal = controller.signal;
    (async () => {
      try {
        const info = await api<{ sha: string }>(`${repoApiPath(repo.type, repo.id)}/revision/${encodeRev(rev)}?expand=sha`, { signal });
        const res = await fetch(`${repoPagePath(repo.type, repo.id)}/raw/${info.sha}/${encodePath(path)}`, { signal, credentials: "same-origin" });
        if (res.status === 404) {
          setLoaded({ data: { sha: info.sha, text: isCard ? cardTemplate(repo) : "", exists: false } });
          return;
        }
        if (!res.ok) throw new ApiError(res.status, res.headers.get("X-Error-Code") ?? undefined, res.headers.get("X-Error-Message") ?? `could not read ${path}`);
        if (Number(res.headers.get("Content-Length") ?? 0) > maxEditableBytes) throw new Error(`${path} is too large to edit in the browser; clone the repo to change it.`);
        const body = await res.text();
        if (lfsPointer.test(body)) throw new Error(`${path} is stored with Git LFS and cannot be edited in the browser.`);
        setLoaded({ data: { sha: info.sha, text: body, exists: true } });
      } catch (err) {
        if (!signal.aborted) setLoaded({ error: err });
      }
    })();
    return () => controller.abort();
  }, [repo.type, repo.id, rev, path, isCard]);

  useEffect(() => {
    if (loaded.data) setText(loaded.data.text);
  }, [loaded.data]);

  if (loaded.error && isNotFound(loaded.error)) return <NotFound what="repository" />;
  const back = isCard && rev === "main" ? repoPagePath(repo.type, repo.id) : `${repoPagePath(repo.type, repo.id)}/blob/${encodeURIComponent(rev)}/${encodePath(path)}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!loaded.data) return;
    const header = {
      key: "header",
      value: { summary: summary.trim() || `${loaded.data.exists ? "Update" : "Create"} ${path}`, description: description.trim(), parentCommit: loaded.data.sha },
    };
    const file = { key: "file", value: { path, encoding: "base64", content: utf8Base64(text) } };
    await action.run(
      async () => {
        await api(`${repoApiPath(repo.type, repo.id)}/commit/${encodeRev(rev)}`, {
          method: "POST",
          body: `${JSON.stringify(header)}\n${JSON.stringify(file)}\n`,
          headers: { "Content-Type": "application/x-ndjson" },
        });
        navigate(back);
      },
      { keepBusy: true },
    );
  };

  return (
    <div className="container-medium edit-page">
      <RepoTitle repo={repo} />
      <h2>
        {loaded.data && !loaded.data.exists ? "Create" : "Edit"} <code>{path}</code>
        <span className="muted edit-branch"> on {rev}</span>
      </h2>
      {!session.loading && !session.user && (
        <p className="notice">
          <Link to={`/login?next=${encodeURIComponent(window.location.pathname)}`}>Sign in</Link> to commit changes.
        </p>
      )}
      {loaded.error !== undefined && <ErrorBox error={loaded.error} title={`Cannot edit ${path}`} />}
      {!loaded.data && loaded.error === undefined && <Spinner />}
      {loaded.data && (
        <form className="form" onSubmit={(e) => void submit(e)}>
          {isCard && (
            <div className="tabs" role="tablist" aria-label="Editor">
              <button type="button" role="tab" aria-selected={tab === "edit"} className="tab" onClick={() => setTab("edit")}>
                Edit
              </button>
              <button type="button" role="tab" aria-selected={tab === "preview"} className="tab" onClick={() => setTab("preview")}>
                Preview
              </button>
            </div>
          )}
          {tab === "edit" || !isCard ? (
            <div className="field">
              <label htmlFor="edit-text" className="visually-hidden">
                Content of {path}
              </label>
              <textarea id="edit-text" className="textarea" value={text} onChange={(e) => setText(e.target.value)} spellCheck={isCard} disabled={busy} />
              {isCard && (
                <span className="field-help">
                  Markdown, with metadata (license, tags, base_model, pipeline_tag…) in the YAML block between the <code>---</code> lines at the top.
                </span>
              )}
            </div>
          ) : (
            <div className="card edit-preview" role="tabpanel">
              <Markdown text={stripFrontMatter(text)} base={{ repoPath: repoPagePath(repo.type, repo.id), rev, dir: "" }} />
            </div>
          )}
          <div className="field">
            <label htmlFor="edit-summary">Commit message</label>
            <input id="edit-summary" className="input" value={summary} onChange={(e) => setSummary(e.target.value)} placeholder={`${loaded.data.exists ? "Update" : "Create"} ${path}`} maxLength={500} disabled={busy} />
          </div>
          <div className="field">
            <label htmlFor="edit-description">Extended description (optional)</label>
            <textarea id="edit-description" className="input" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} disabled={busy} />
          </div>
          {error !== undefined && (
            <ErrorBox
              error={error}
              title={error instanceof ApiError && (error.status === 412 || error.status === 409) ? `${path} changed since you opened it: copy your text, reload and edit again` : "Could not commit"}
            />
          )}
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={busy || !session.user || (loaded.data.exists && text === loaded.data.text)}>
              {busy ? "Committing…" : "Commit changes"}
            </button>
            <Link to={back} className="btn btn-ghost">
              Cancel
            </Link>
          </div>
        </form>
      )}
    </div>
  );
}

/** UTF-8 text as base64 (btoa alone takes Latin-1 only). */
function utf8Base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** A starting model card for a repo without one: metadata block, then the usual sections. */
function cardTemplate(repo: RepoRoute): string {
  return `---
license: apache-2.0
tags: []
---

# ${repo.name}

Describe what this ${repo.type} is, how it was made and how to use it.

## Usage

## Limitations
`;
}
