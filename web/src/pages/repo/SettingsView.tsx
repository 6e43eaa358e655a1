/**
 * A repo's Settings tab (`…/settings`, for those who may write the repo):
 * visibility (`PUT …/settings {private}`), gating (`{gated}`), the access
 * requests of a gated repo (`…/user-access-request/*`), rename or move
 * (`POST /api/repos/move`) and delete (`DELETE /api/repos/delete`).
 */
import { type FormEvent, useState } from "react";
import { api, repoPagePath } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { Spinner } from "../../components/Spinner";
import { navigate } from "../../router";
import { useAction } from "../../use-action";
import { useApi } from "../../use-api";
import { apiBase, type RepoContext } from "./RepoPage";
import "../manage.css";

type Gating = false | "auto" | "manual";
type RequestStatus = "pending" | "accepted" | "rejected";

/** One entry of `GET …/user-access-request/<status>` (the Hub's shape). */
interface AccessRequest {
  user: { user: string; fullname: string; email: string | null };
  status: RequestStatus;
  timestamp: string;
  fields: Record<string, unknown>;
  rejectionReason?: string;
}

export function SettingsView({ ctx, onChanged }: { ctx: RepoContext; onChanged: () => void }) {
  const gated: Gating = ctx.info.gated === "auto" || ctx.info.gated === "manual" ? ctx.info.gated : false;
  return (
    <div className="settings">
      <h2 className="visually-hidden">Settings</h2>
      <Visibility ctx={ctx} onChanged={onChanged} />
      <GatingSection key={String(gated)} ctx={ctx} gated={gated} onChanged={onChanged} />
      {gated && <AccessRequests ctx={ctx} />}
      <MoveRepo ctx={ctx} />
      <DeleteRepo ctx={ctx} />
    </div>
  );
}

async function putSettings(ctx: RepoContext, body: { private?: boolean; gated?: Gating }): Promise<void> {
  await api(`${apiBase(ctx)}/settings`, { method: "PUT", json: body });
}

function Visibility({ ctx, onChanged }: { ctx: RepoContext; onChanged: () => void }) {
  const action = useAction();
  const isPrivate = ctx.info.private === true;
  const toggle = async () => {
    const question = isPrivate
      ? `Make ${ctx.id} public? Anyone will be able to see it${ctx.info.gated ? " (its files stay gated)" : " and download its files"}.`
      : `Make ${ctx.id} private? Only you and those you share it with will see it.`;
    if (!window.confirm(question)) return;
    await action.run(async () => {
      await putSettings(ctx, { private: !isPrivate });
      onChanged();
    });
  };
  return (
    <section className="card settings-section" aria-labelledby="settings-visibility">
      <h3 id="settings-visibility">Visibility</h3>
      <p>
        This repository is <strong>{isPrivate ? "private" : "public"}</strong>.{" "}
        <span className="muted">{isPrivate ? "Only its owner, organization members and admins can see it." : "Anyone can see it."}</span>
      </p>
      {action.error !== undefined && <ErrorBox error={action.error} title="Could not change the visibility" />}
      <button type="button" className="btn" onClick={() => void toggle()} disabled={action.busy}>
        {action.busy ? "Saving…" : isPrivate ? "Make public" : "Make private"}
      </button>
    </section>
  );
}

const gatingChoices: Array<{ value: Gating; title: string; help: string }> = [
  { value: false, title: "Off", help: "Anyone who can see the repository can download its files." },
  { value: "auto", title: "Automatic approval", help: "Users fill in the access form and get access at once." },
  { value: "manual", title: "Manual approval", help: "You review each request and accept or reject it." },
];

function GatingSection({ ctx, gated, onChanged }: { ctx: RepoContext; gated: Gating; onChanged: () => void }) {
  const [choice, setChoice] = useState<Gating>(gated);
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    await action.run(async () => {
      await putSettings(ctx, { gated: choice });
      setSaved(true);
      onChanged();
    });
  };
  return (
    <section className="card settings-section" aria-labelledby="settings-gating">
      <h3 id="settings-gating">Access requests (gating)</h3>
      <p className="muted">
        A gated repository shows its card to everyone but opens its files only to users whose request is accepted. The form asks the questions of the card's{" "}
        <code>extra_gated_fields</code>.
      </p>
      <form className="form" onSubmit={(e) => void save(e)}>
        <fieldset className="choices">
          <legend className="field-label">Gating</legend>
          {gatingChoices.map((c) => (
            <label key={String(c.value)} className="choice">
              <input type="radio" name="gating" checked={choice === c.value} onChange={() => setChoice(c.value)} />
              <span>
                <strong>{c.title}</strong>
                <span className="field-help"> — {c.help}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {action.error !== undefined && <ErrorBox error={action.error} title="Could not change gating" />}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={action.busy || choice === gated}>
            {action.busy ? "Saving…" : "Save gating"}
          </button>
          {saved && (
            <span className="muted" role="status">
              Saved.
            </span>
          )}
        </div>
      </form>
    </section>
  );
}

const statusTabs: Array<{ status: RequestStatus; label: string }> = [
  { status: "pending", label: "Pending" },
  { status: "accepted", label: "Accepted" },
  { status: "rejected", label: "Rejected" },
];

function AccessRequests({ ctx }: { ctx: RepoContext }) {
  const [status, setStatus] = useState<RequestStatus>("pending");
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((t) => t + 1);
  const focusTab = (i: number) => {
    const next = statusTabs[(i + statusTabs.length) % statusTabs.length]!;
    setStatus(next.status);
    document.getElementById(`requests-tab-${next.status}`)?.focus();
  };
  return (
    <section className="card settings-section" aria-labelledby="settings-requests">
      <h3 id="settings-requests">Access requests</h3>
      <div className="tabs" role="tablist" aria-label="Access requests by status">
        {statusTabs.map((t, i) => (
          <button
            key={t.status}
            id={`requests-tab-${t.status}`}
            type="button"
            role="tab"
            className="tab"
            aria-selected={status === t.status}
            aria-controls="requests-panel"
            tabIndex={status === t.status ? 0 : -1}
            onClick={() => setStatus(t.status)}
            onKeyDown={(e) => {
              if (e.key === "ArrowRight") focusTab(i + 1);
              if (e.key === "ArrowLeft") focusTab(i - 1);
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="requests-panel" role="tabpanel" aria-labelledby={`requests-tab-${status}`}>
        <RequestList key={`${status}/${tick}`} ctx={ctx} status={status} onChanged={refresh} />
      </div>
      <GrantForm ctx={ctx} onGranted={refresh} />
    </section>
  );
}

function RequestList({ ctx, status, onChanged }: { ctx: RepoContext; status: RequestStatus; onChanged: () => void }) {
  const list = useApi<AccessRequest[]>(`${apiBase(ctx)}/user-access-request/${status}`);
  if (list.loading) return <Spinner />;
  if (list.error) return <ErrorBox error={list.error} title="Could not load the requests" onRetry={list.reload} />;
  const rows = list.data ?? [];
  if (rows.length === 0) {
    return (
      <EmptyState title={`No ${status} requests`}>
        {status === "pending" ? "New requests appear here when users fill in the access form." : status === "accepted" ? "Users you accept or grant access to appear here." : "Requests you reject appear here."}
      </EmptyState>
    );
  }
  return (
    <ul className="plain-list request-list">
      {rows.map((r) => (
        <RequestRow key={r.user.user} ctx={ctx} request={r} onChanged={onChanged} />
      ))}
    </ul>
  );
}

function RequestRow({ ctx, request, onChanged }: { ctx: RepoContext; request: AccessRequest; onChanged: () => void }) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const action = useAction();
  const user = request.user.user;
  const decide = (status: RequestStatus, rejectionReason?: string) =>
    action.run(
      async () => {
        await api(`${apiBase(ctx)}/user-access-request/handle`, { json: { user, status, ...(rejectionReason ? { rejectionReason } : {}) } });
        onChanged();
      },
      { keepBusy: true },
    );
  const answers = Object.entries(request.fields ?? {});
  return (
    <li className="request" aria-label={`Request from ${user}`}>
      <div className="request-head">
        <div>
          <strong>{user}</strong>
          {request.user.fullname && request.user.fullname !== user && <span className="muted"> {request.user.fullname}</span>}
          {request.user.email && <div className="field-help">{request.user.email}</div>}
        </div>
        <time className="muted" dateTime={request.timestamp}>
          {formatTime(request.timestamp)}
        </time>
      </div>
      {answers.length > 0 && (
        <dl className="request-fields">
          {answers.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v === true ? "Yes" : v === false ? "No" : String(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      {request.rejectionReason && <p className="field-help">Reason: {request.rejectionReason}</p>}
      {action.error !== undefined && <ErrorBox error={action.error} title="Could not update the request" />}
      {rejecting ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void decide("rejected", reason.trim() || undefined);
          }}
        >
          <div className="field">
            <label htmlFor={`reason-${user}`}>Reason (optional, shown to nobody but the owners)</label>
            <input id={`reason-${user}`} className="input" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} autoFocus />
          </div>
          <button type="submit" className="btn btn-danger" disabled={action.busy}>
            Confirm rejection
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setRejecting(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <div className="row request-actions">
          {request.status !== "accepted" && (
            <button type="button" className="btn btn-small btn-primary" disabled={action.busy} onClick={() => void decide("accepted")} aria-label={`Accept ${user}`}>
              Accept
            </button>
          )}
          {request.status !== "rejected" && (
            <button type="button" className="btn btn-small btn-danger" disabled={action.busy} onClick={() => setRejecting(true)} aria-label={`Reject ${user}`}>
              Reject
            </button>
          )}
          {request.status !== "pending" && (
            <button type="button" className="btn btn-small" disabled={action.busy} onClick={() => void decide("pending")} aria-label={`Move ${user} back to pending`}>
              Move to pending
            </button>
          )}
        </div>
      )}
    </li>
  );
}

function GrantForm({ ctx, onGranted }: { ctx: RepoContext; onGranted: () => void }) {
  const [user, setUser] = useState("");
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    await action.run(async () => {
      await api(`${apiBase(ctx)}/user-access-request/grant`, { json: { user: user.trim() } });
      setDone(user.trim());
      setUser("");
      onGranted();
    });
  };
  return (
    <form className="form grant-form" onSubmit={(e) => void submit(e)}>
      <h4>Grant access to a user</h4>
      {action.error !== undefined && <ErrorBox error={action.error} title="Could not grant access" />}
      {done && (
        <p className="notice" role="status">
          {done} now has access.
        </p>
      )}
      <div className="row">
        <div className="field">
          <label htmlFor="grant-user">Username</label>
          <input id="grant-user" className="input" value={user} onChange={(e) => setUser(e.target.value)} required spellCheck={false} autoComplete="off" />
        </div>
        <button type="submit" className="btn" disabled={action.busy || user.trim() === ""}>
          {action.busy ? "Granting…" : "Grant access"}
        </button>
      </div>
    </form>
  );
}

function MoveRepo({ ctx }: { ctx: RepoContext }) {
  const [target, setTarget] = useState(ctx.id);
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const toRepo = target.trim();
    if (!window.confirm(`Rename ${ctx.id} to ${toRepo}? Clones and links using the old name stop working.`)) return;
    await action.run(
      async () => {
        const moved = await api<{ name: string }>("/api/repos/move", { json: { fromRepo: ctx.id, toRepo, type: ctx.type } });
        navigate(`${repoPagePath(ctx.type, moved.name)}/settings`);
      },
      { keepBusy: true },
    );
  };
  return (
    <section className="card settings-section" aria-labelledby="settings-move">
      <h3 id="settings-move">Rename or move</h3>
      <form className="form" onSubmit={(e) => void submit(e)}>
        {action.error !== undefined && <ErrorBox error={action.error} title="Could not rename the repository" />}
        <div className="row">
          <div className="field">
            <label htmlFor="move-target">New id (namespace/name)</label>
            <input id="move-target" className="input" value={target} onChange={(e) => setTarget(e.target.value)} required spellCheck={false} autoComplete="off" />
            <span className="field-help">Move it to an organization you may write to by changing the namespace.</span>
          </div>
          <button type="submit" className="btn" disabled={action.busy || target.trim() === ctx.id || !/^[^/\s]+\/[^/\s]+$/.test(target.trim())}>
            {action.busy ? "Renaming…" : "Rename"}
          </button>
        </div>
      </form>
    </section>
  );
}

function DeleteRepo({ ctx }: { ctx: RepoContext }) {
  const [typed, setTyped] = useState("");
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(
      async () => {
        await api("/api/repos/delete", { method: "DELETE", json: { name: ctx.id, type: ctx.type } });
        navigate(`/${encodeURIComponent(ctx.id.split("/")[0]!)}`);
      },
      { keepBusy: true },
    );
  };
  return (
    <section className="card settings-section settings-danger" aria-labelledby="settings-delete">
      <h3 id="settings-delete">Delete this repository</h3>
      <p className="muted">This deletes its files, history, branches and access requests. It cannot be undone.</p>
      <form className="form" onSubmit={(e) => void submit(e)}>
        {action.error !== undefined && <ErrorBox error={action.error} title="Could not delete the repository" />}
        <div className="row">
          <div className="field">
            <label htmlFor="delete-confirm">
              Type <strong>{ctx.id}</strong> to confirm
            </label>
            <input id="delete-confirm" className="input" value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} autoComplete="off" />
          </div>
          <button type="submit" className="btn btn-danger" disabled={action.busy || typed !== ctx.id}>
            {action.busy ? "Deleting…" : "Delete repository"}
          </button>
        </div>
      </form>
    </section>
  );
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}
