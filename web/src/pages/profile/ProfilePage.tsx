import { useEffect, useState } from "react";
import { api, ApiError, plural, type RepoType } from "../../api";
import { Avatar } from "../../components/Layout";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { NotFound } from "../../components/NotFound";
import { Spinner } from "../../components/Spinner";
import { Link } from "../../router";
import { useSession } from "../../session";
import { useApi, useTitle } from "../../use-api";
import { RepoCard } from "../listing/RepoCard";
import { OrgMembers } from "../orgs/OrgMembers";
import type { RepoSummary } from "../repo/types";

/** `GET /api/users/:user/overview` or `GET /api/organizations/:org/overview`, the fields shown here. */
interface Overview {
  type: "user" | "org";
  name: string;
  fullname: string;
  createdAt?: string;
  numUsers?: number;
  orgs?: Array<{ name: string; fullname: string }>;
}

const shownPerType = 30;

/** `/:name`: a user's or an organization's page: who they are and their repos (private ones too, for those who may see them). */
export function ProfilePage({ name }: { name: string }) {
  const [overview, setOverview] = useState<{ data?: Overview; error?: unknown }>({});
  useTitle(overview.data ? overview.data.fullname || overview.data.name : name);

  useEffect(() => {
    const controller = new AbortController();
    const signal = controller.signal;
    const enc = encodeURIComponent(name);
    (async () => {
      try {
        const user = await api<{ user: string; fullname: string; createdAt?: string; orgs?: Overview["orgs"] }>(`/api/users/${enc}/overview`, { signal });
        setOverview({ data: { type: "user", name: user.user, fullname: user.fullname, createdAt: user.createdAt, orgs: user.orgs } });
      } catch (err) {
        if (signal.aborted) return;
        if (!(err instanceof ApiError && err.status === 404)) return setOverview({ error: err });
        try {
          const org = await api<{ name: string; fullname: string; createdAt?: string; numUsers?: number }>(`/api/organizations/${enc}/overview`, { signal });
          setOverview({ data: { type: "org", name: org.name, fullname: org.fullname, createdAt: org.createdAt, numUsers: org.numUsers } });
        } catch (orgErr) {
          if (!signal.aborted) setOverview({ error: orgErr });
        }
      }
    })();
    return () => controller.abort();
  }, [name]);

  if (overview.error instanceof ApiError && overview.error.status === 404) return <NotFound what="user or organization" />;
  if (overview.error) return <div className="container"><ErrorBox error={overview.error} /></div>;
  if (!overview.data) return <div className="container"><Spinner /></div>;
  const o = overview.data;
  return (
    <div className="container profile">
      <aside className="profile-side">
        <Avatar name={o.name} size={96} />
        <h1 className="profile-name">{o.fullname || o.name}</h1>
        <p className="muted profile-handle">
          {o.type === "org" ? "Organization" : "@"}
          {o.type === "org" ? "" : o.name}
        </p>
        {o.type === "org" && o.numUsers !== undefined && (
          <p className="muted">
            {o.numUsers} member{o.numUsers === 1 ? "" : "s"}
          </p>
        )}
        {o.createdAt && <p className="faint">Joined {new Date(o.createdAt).toLocaleDateString(undefined, { year: "numeric", month: "long" })}</p>}
        {o.orgs && o.orgs.length > 0 && (
          <div className="profile-orgs">
            <h2 className="field-label">Organizations</h2>
            <ul className="plain-list">
              {o.orgs.map((org) => (
                <li key={org.name}>
                  <Link to={`/${encodeURIComponent(org.name)}`}>{org.fullname || org.name}</Link>
                </li>
              ))}
            </ul>
          </div>
        )}
        {o.type === "user" && <Likes user={o.name} />}
      </aside>
      <div className="profile-main">
        {o.type === "org" && (
          <OrgMembers org={o.name} onCount={(numUsers) => setOverview((s) => (s.data ? { ...s, data: { ...s.data, numUsers } } : s))} />
        )}
        {(["model", "dataset", "space"] as const).map((type) => (
          <RepoSection key={type} author={o.name} type={type} />
        ))}
      </div>
    </div>
  );
}

function RepoSection({ author, type }: { author: string; type: RepoType }) {
  const session = useSession();
  const path = `/api/${plural[type]}?author=${encodeURIComponent(author)}&sort=lastModified&direction=-1&limit=${shownPerType + 1}`;
  const repos = useApi<RepoSummary[]>(path);
  const title = type === "model" ? "Models" : type === "dataset" ? "Datasets" : "Spaces";
  const own = session.user?.name === author;
  return (
    <section className="profile-section" aria-labelledby={`profile-${type}s`}>
      <div className="page-head profile-section-head">
        <h2 id={`profile-${type}s`}>
          {title}
          {repos.data && <span className="count"> {repos.data.length > shownPerType ? `${shownPerType}+` : repos.data.length}</span>}
        </h2>
        {repos.data && repos.data.length > shownPerType && (
          <Link to={`/${plural[type]}?author=${encodeURIComponent(author)}`}>View all</Link>
        )}
      </div>
      {repos.loading && <Spinner />}
      {repos.error && <ErrorBox error={repos.error} onRetry={repos.reload} />}
      {repos.data && repos.data.length === 0 && (
        <EmptyState
          title={`No ${title.toLowerCase()} yet`}
          action={own ? <Link to={`/new?type=${type}`} className="btn btn-small">Create a {type}</Link> : undefined}
        />
      )}
      {repos.data && repos.data.length > 0 && (
        <ul className="repo-grid plain-list">
          {repos.data.slice(0, shownPerType).map((r) => (
            <RepoCard key={r.id} repo={r} type={type} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** How many repos the user likes (`GET /api/users/:user/likes`); nothing when the hub does not say. */
function Likes({ user }: { user: string }) {
  const likes = useApi<unknown[]>(`/api/users/${encodeURIComponent(user)}/likes`);
  if (!likes.data) return null;
  return (
    <p className="muted">
      <span aria-hidden="true">♥ </span>
      {likes.data.length} liked repo{likes.data.length === 1 ? "" : "s"}
    </p>
  );
}
