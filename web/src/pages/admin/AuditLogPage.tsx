/**
 * `/admin/audit-log`: the hub's security events for admins (`GET
 * /api/admin/audit-log`), newest first, filtered by action, with further pages
 * through the answer's `Link: <…>; rel="next"`. Others get the API's refusal
 * as the page: 404 when the hub hides it, otherwise the error.
 */
import { type FormEvent, useEffect, useState } from "react";
import { api, ApiError } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { NotFound } from "../../components/NotFound";
import { Spinner } from "../../components/Spinner";
import { Link, useSearchParams } from "../../router";
import { useSession } from "../../session";
import { useTitle } from "../../use-api";
import "../manage.css";

interface AuditEvent {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
  ip: string | null;
}

/** The actions the hub records (src/services/audit-log.ts); the filter also takes any other `area.verb`. */
const knownActions = [
  "token.create", "token.revoke",
  "repo.visibility", "repo.gating", "repo.delete", "repo.move",
  "org.create", "org.member.add", "org.member.role", "org.member.remove",
  "access.request", "access.grant", "access.revoke",
];

const pageSize = 50;

export function AuditLogPage() {
  useTitle("Audit log");
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const action = params.get("action") ?? "";
  // `?limit=` picks the page size (1-1000), as the API's own parameter.
  const requested = Number(params.get("limit"));
  const limit = Number.isInteger(requested) && requested >= 1 && requested <= 1000 ? requested : pageSize;
  const [pages, setPages] = useState<{ key: string; events: AuditEvent[]; next: string | null; error?: unknown; loading: boolean }>({ key: "", events: [], next: null, loading: true });
  const key = `${session.user?.name ?? ""}|${action}|${limit}`;

  const load = async (path: string, append: boolean) => {
    setPages((p) => ({ ...p, key, loading: true, error: undefined, ...(append ? {} : { events: [], next: null }) }));
    try {
      const res = await api<Response>(path, { as: "response" });
      const events = (await res.json()) as AuditEvent[];
      const next = nextLink(res.headers.get("Link"));
      setPages((p) => ({ key, events: append ? [...p.events, ...events] : events, next, loading: false }));
    } catch (err) {
      setPages((p) => ({ ...p, key, error: err, loading: false }));
    }
  };

  useEffect(() => {
    if (session.loading) return;
    const query = new URLSearchParams({ limit: String(limit), ...(action ? { action } : {}) });
    void load(`/api/admin/audit-log?${query}`, false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, session.loading]);

  if (session.loading) return <div className="container"><Spinner /></div>;
  if (!session.user) {
    return (
      <div className="container-medium">
        <h1>Audit log</h1>
        <p className="notice">
          <Link to="/login?next=/admin/audit-log">Sign in</Link> with an administrator account to read the audit log.
        </p>
      </div>
    );
  }
  const firstError = pages.error !== undefined && pages.events.length === 0 ? pages.error : undefined;
  if (firstError instanceof ApiError && firstError.status === 404) return <NotFound />;
  if (firstError instanceof ApiError && (firstError.status === 403 || firstError.status === 401)) {
    return (
      <div className="container-medium">
        <h1>Audit log</h1>
        <ErrorBox error={firstError} title="Only administrators can read the audit log" />
      </div>
    );
  }

  return (
    <div className="container">
      <div className="page-head">
        <div>
          <h1>Audit log</h1>
          <p className="muted">Security events on this hub, newest first: tokens, visibility and gating, repo moves and deletions, organization members, access requests.</p>
        </div>
      </div>
      <ActionFilter value={action} onChange={(value) => setParams({ action: value })} />
      {firstError !== undefined && <ErrorBox error={firstError} title="Could not load the audit log" onRetry={() => setParams({ action: action || null })} />}
      {!pages.loading && firstError === undefined && pages.events.length === 0 && (
        <EmptyState title={action ? `No “${action}” events` : "No events yet"}>
          {action ? "Try another action, or clear the filter." : "Events appear here as tokens, repos, organizations and access requests change."}
        </EmptyState>
      )}
      {pages.events.length > 0 && (
        <div className="table-scroll">
          <table className="table audit-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {pages.events.map((e) => (
                <tr key={e.id}>
                  <td>
                    <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
                  </td>
                  <td>{e.actor ? <Link to={`/${encodeURIComponent(e.actor)}`}>{e.actor}</Link> : <span className="faint">system</span>}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td className="audit-details">{e.target}</td>
                  <td className="audit-details">
                    <Details details={e.details} ip={e.ip} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages.error !== undefined && pages.events.length > 0 && <ErrorBox error={pages.error} title="Could not load more events" />}
      {pages.loading && <Spinner />}
      {!pages.loading && pages.next && (
        <p>
          <button type="button" className="btn" onClick={() => void load(pages.next!, true)}>
            Load older events
          </button>
        </p>
      )}
    </div>
  );
}

function ActionFilter({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange(text.trim());
  };
  return (
    <form className="row audit-filter" onSubmit={submit} role="search" aria-label="Filter events">
      <div className="field">
        <label htmlFor="audit-action">Action</label>
        <input id="audit-action" className="input" list="audit-actions" value={text} onChange={(e) => setText(e.target.value)} placeholder="all actions, or e.g. access.grant" spellCheck={false} autoComplete="off" />
        <datalist id="audit-actions">
          {knownActions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </div>
      <button type="submit" className="btn">
        Filter
      </button>
      {value && (
        <button type="button" className="btn btn-ghost" onClick={() => onChange("")}>
          Clear
        </button>
      )}
    </form>
  );
}

function Details({ details, ip }: { details: Record<string, unknown>; ip: string | null }) {
  const entries = Object.entries(details ?? {});
  if (entries.length === 0 && !ip) return <span className="faint">—</span>;
  return (
    <>
      {entries.map(([k, v]) => (
        <div key={k}>
          <span className="muted">{k}:</span> {typeof v === "string" ? v : JSON.stringify(v)}
        </div>
      ))}
      {ip && (
        <div>
          <span className="muted">ip:</span> {ip}
        </div>
      )}
    </>
  );
}

/** The same-origin path of a `Link: <url>; rel="next"` header, or null. */
function nextLink(header: string | null): string | null {
  const match = header?.match(/<([^>]+)>\s*;\s*rel="?next"?/);
  if (!match) return null;
  try {
    const url = new URL(match[1]!, window.location.href);
    return url.pathname + url.search;
  } catch {
    return null;
  }
}
