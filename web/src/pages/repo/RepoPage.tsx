/**
 * A repo's pages (`/ns/name`, `/datasets/ns/name`, `/spaces/ns/name`): the
 * header, tabs, and the view the URL names: model card, files, one file,
 * commits, one commit, playground. A repo the visitor may not see is a 404
 * page, exactly like a missing one.
 */
import { lazy, Suspense } from "react";
import { ApiError, plural, type RepoType, repoApiPath, repoPagePath } from "../../api";
import { ErrorBox } from "../../components/ErrorBox";
import { NotFound } from "../../components/NotFound";
import { Spinner } from "../../components/Spinner";
import { Link } from "../../router";
import type { RepoRoute } from "../../routes";
import { useSession } from "../../session";
import { useApi, useTitle } from "../../use-api";
import { CommitsView } from "./CommitsView";
import { CommitView } from "./CommitView";
import { FilesView } from "./FilesView";
import { type Gate, GatePanel } from "./GatePanel";
import { RepoHeader } from "./RepoHeader";
import type { RepoInfo } from "./types";
import { ViewBoundary } from "./ViewBoundary";
import "./repo.css";

// Markdown and code highlighting are the heavy part of the app: loaded with the first view that needs them.
const CardView = lazy(() => import("./CardView").then((m) => ({ default: m.CardView })));
const BlobView = lazy(() => import("./BlobView").then((m) => ({ default: m.BlobView })));
const Playground = lazy(() => import("./Playground").then((m) => ({ default: m.Playground })));
const SettingsView = lazy(() => import("./SettingsView").then((m) => ({ default: m.SettingsView })));

/** What every view gets: where the repo is and what the hub knows of it. */
export interface RepoContext {
  type: RepoType;
  id: string;
  /** The page's base path: `/ns/name`, `/datasets/ns/name`. */
  base: string;
  /** Repo info at the default branch. */
  info: RepoInfo;
  /** True when the hub can run the model (`GET /v1/models/<id>` answered). */
  servable: boolean;
}

export function RepoPage({ repo }: { repo: RepoRoute }) {
  useTitle(repo.id);
  const info = useApi<RepoInfo>(repoApiPath(repo.type, repo.id));
  // Only models are served; a 404 here just means "no playground".
  const model = useApi<{ id: string }>(repo.type === "model" && info.data ? `/v1/models/${repo.id.split("/").map(encodeURIComponent).join("/")}` : null);
  // A gated repo: the caller's standing and the request form. Who may write gets a Settings tab.
  const gate = useApi<Gate>(info.data?.gated ? `${repoApiPath(repo.type, repo.id)}/gate` : null);
  const session = useSession();
  const writable = useApi<unknown>(session.user && info.data ? `${repoApiPath(repo.type, repo.id)}/auth-check/write` : null);
  if (info.error instanceof ApiError && (info.error.status === 404 || info.error.status === 401)) return <NotFound what="repository" />;
  if (info.error) {
    return (
      <div className="container">
        <ErrorBox error={info.error} title="Could not load this repository" onRetry={info.reload} />
      </div>
    );
  }
  if (!info.data) {
    return (
      <div className="container">
        <Spinner />
      </div>
    );
  }
  const ctx: RepoContext = { type: repo.type, id: info.data.id, base: repoPagePath(repo.type, info.data.id), info: info.data, servable: model.data !== undefined };
  const tab =
    repo.view === "card" ? "card"
    : repo.view === "tree" || repo.view === "blob" ? "files"
    : repo.view === "commits" || repo.view === "commit" ? "commits"
    : repo.view === "other" && repo.rest === "playground" ? "playground"
    : repo.view === "other" && repo.rest === "settings" ? "settings"
    : null;
  // Undefined while the answer is on its way.
  const canWrite = session.loading || writable.loading ? undefined : writable.data !== undefined;
  // Files, file views and the playground wait behind the gate; the card and history stay readable.
  const locked = gate.data !== undefined && gate.data.gated !== false && !gate.data.hasAccess;
  const behindGate = locked && (tab === "files" || tab === "playground");
  const gateChanged = (next: Gate) => {
    gate.reload();
    if (next.hasAccess) info.reload();
  };
  return (
    <div className="repo-page">
      <div className="repo-top">
        <div className="container repo-top-inner">
          <RepoHeader type={repo.type} info={info.data} />
          <nav className="repo-tabs" aria-label="Repository">
            <Tab to={ctx.base} current={tab === "card"}>
              {repo.type === "model" ? "Model card" : repo.type === "dataset" ? "Dataset card" : "App card"}
            </Tab>
            <Tab to={`${ctx.base}/tree/main`} current={tab === "files"}>
              Files and versions
            </Tab>
            <Tab to={`${ctx.base}/commits/main`} current={tab === "commits"}>
              Commits
            </Tab>
            {ctx.servable && (
              <Tab to={`${ctx.base}/playground`} current={tab === "playground"}>
                Playground
              </Tab>
            )}
            {canWrite && (
              <Tab to={`${ctx.base}/settings`} current={tab === "settings"}>
                Settings
              </Tab>
            )}
          </nav>
        </div>
      </div>
      <div className="container repo-body">
        {locked && tab !== "settings" && gate.data && <GatePanel ctx={ctx} gate={gate.data} onChange={gateChanged} />}
        {!behindGate && (
          <ViewBoundary key={`${repo.view}/${repo.rev ?? ""}/${repo.path ?? ""}/${repo.sha ?? ""}/${gate.data?.hasAccess ?? ""}`}>
            <Suspense fallback={<Spinner />}>{view(repo, ctx, { canWrite, onSettingsChanged: info.reload })}</Suspense>
          </ViewBoundary>
        )}
      </div>
    </div>
  );
}

function view(repo: RepoRoute, ctx: RepoContext, opts: { canWrite: boolean | undefined; onSettingsChanged: () => void }) {
  switch (repo.view) {
    case "card":
      return <CardView ctx={ctx} />;
    case "tree":
      return <FilesView key={`${repo.rev}/${repo.path}`} ctx={ctx} rev={repo.rev ?? "main"} path={repo.path ?? ""} />;
    case "blob":
      return <BlobView key={`${repo.rev}/${repo.path}`} ctx={ctx} rev={repo.rev ?? "main"} path={repo.path ?? ""} />;
    case "commits":
      return <CommitsView key={repo.rev} ctx={ctx} rev={repo.rev ?? "main"} />;
    case "commit":
      return <CommitView key={repo.sha} ctx={ctx} sha={repo.sha ?? ""} />;
    default:
      if (repo.rest === "playground" && ctx.type === "model") return <Playground ctx={ctx} />;
      if (repo.rest === "settings" && opts.canWrite === undefined) return <Spinner />;
      if (repo.rest === "settings" && opts.canWrite) return <SettingsView ctx={ctx} onChanged={opts.onSettingsChanged} />;
      return <NotFound />;
  }
}

function Tab({ to, current, children }: { to: string; current: boolean; children: string }) {
  return (
    <Link to={to} className="repo-tab" aria-current={current ? "page" : undefined}>
      {children}
    </Link>
  );
}

/** `/api/models/ns/name` + suffix */
export function apiBase(ctx: Pick<RepoContext, "type" | "id">): string {
  return repoApiPath(ctx.type, ctx.id);
}

/** `/api/models` etc. */
export const apiCollection = (type: RepoType) => `/api/${plural[type]}`;
