import { type FormEvent, useState } from "react";
import { api } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { Spinner } from "../../components/Spinner";
import { Link } from "../../router";
import { useSession } from "../../session";
import { useAction } from "../../use-action";
import { useApi, useTitle } from "../../use-api";
import { CopyButton } from "../repo/CopyButton";

type Role = "read" | "write" | "fineGrained";
type EntityType = "user" | "org" | "model" | "dataset" | "space";

interface Scope {
  entity: { type: EntityType; name: string };
  permissions: string[];
}

/** A token as `GET /api/settings/tokens` lists it (never the secret). */
interface TokenInfo {
  id: number;
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  scoped?: Scope[];
  canReadGatedRepos?: boolean;
}

const roleLabels: Record<Role, { title: string; help: string }> = {
  read: { title: "Read", help: "Download and clone your public and private repos, and those of your organizations." },
  write: { title: "Write", help: "Everything read does, plus push, upload, create and delete repos, and manage tokens." },
  fineGrained: { title: "Fine-grained", help: "Only what you list below, on the namespaces and repos you name." },
};

/** The fine-grained permissions the hub knows (docs/compat/hf-api.md). */
const permissionLabels: Array<{ value: string; label: string }> = [
  { value: "repo.content.read", label: "Read repos and files" },
  { value: "repo.write", label: "Write to repos" },
  { value: "org.read", label: "Read organization" },
  { value: "org.write", label: "Manage organization" },
  { value: "inference.serverless.write", label: "Call inference" },
];

const expiryChoices: Array<{ value: string; label: string; days: number | null }> = [
  { value: "never", label: "Never", days: null },
  { value: "7", label: "7 days", days: 7 },
  { value: "30", label: "30 days", days: 30 },
  { value: "90", label: "90 days", days: 90 },
  { value: "365", label: "1 year", days: 365 },
];

/** `/settings/tokens`: list, create (shown once, with a copy button) and revoke access tokens. */
export function TokensPage() {
  useTitle("Access tokens");
  const session = useSession();
  const tokens = useApi<TokenInfo[]>(session.user ? "/api/settings/tokens" : null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [creating, setCreating] = useState(false);

  if (session.loading) return <div className="container-medium"><Spinner /></div>;
  if (!session.user) {
    return (
      <div className="container-medium">
        <h1>Access tokens</h1>
        <p className="notice">
          <Link to="/login?next=/settings/tokens">Sign in</Link> to manage your access tokens.
        </p>
      </div>
    );
  }

  return (
    <div className="container-medium">
      <div className="page-head">
        <div>
          <h1>Access tokens</h1>
          <p className="muted">
            Tokens let git, git-lfs, <code>huggingface_hub</code>, <code>@huggingface/hub</code> and the OpenAI-compatible API act as you. Treat them like passwords.
          </p>
        </div>
        {!creating && (
          <button type="button" className="btn btn-primary" onClick={() => { setCreating(true); setCreated(null); }}>
            New token
          </button>
        )}
      </div>

      {created && <NewTokenNotice name={created.name} token={created.token} onDone={() => setCreated(null)} />}
      {creating && (
        <CreateTokenForm
          user={session.user.name}
          onCancel={() => setCreating(false)}
          onCreated={(name, token) => {
            setCreating(false);
            setCreated({ name, token });
            tokens.reload();
          }}
        />
      )}

      <h2 className="section-title">Your tokens</h2>
      {tokens.loading && <Spinner />}
      {tokens.error && <ErrorBox error={tokens.error} onRetry={tokens.reload} />}
      {tokens.data && tokens.data.length === 0 && (
        <EmptyState title="No access tokens yet">Create one to use the hub from git, the command line or your code.</EmptyState>
      )}
      {tokens.data && tokens.data.length > 0 && <TokenTable tokens={tokens.data} onRevoked={tokens.reload} />}
    </div>
  );
}

function NewTokenNotice({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  return (
    <div className="notice token-notice" role="status">
      <p>
        <strong>Token “{name}” created.</strong> Copy it now: it is shown only once.
      </p>
      <div className="secret">
        <code data-testid="new-token">{token}</code>
        <CopyButton text={token} label="Copy" className="btn" />
      </div>
      <p className="field-help">
        Use it as <code>HF_TOKEN</code> with an <code>HF_ENDPOINT</code> pointing here, or as the password for git over HTTPS.
      </p>
      <button type="button" className="btn btn-small" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

function CreateTokenForm({ user, onCreated, onCancel }: { user: string; onCreated: (name: string, token: string) => void; onCancel: () => void }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("read");
  const [expiry, setExpiry] = useState("never");
  const [scopes, setScopes] = useState<Scope[]>([{ entity: { type: "user", name: user }, permissions: ["repo.content.read"] }]);
  const [gatedRepos, setGatedRepos] = useState(false);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const days = expiryChoices.find((c) => c.value === expiry)?.days ?? null;
    await action.run(
      async () => {
        const answer = await api<{ name: string; token: string }>("/api/settings/tokens", {
          json: {
            name: name.trim(),
            role,
            expiresAt: days === null ? null : new Date(Date.now() + days * 86_400_000).toISOString(),
            ...(role === "fineGrained"
              ? { scoped: scopes.map((s) => ({ ...s, entity: { ...s.entity, name: s.entity.name.trim() } })), canReadGatedRepos: gatedRepos }
              : {}),
          },
        });
        onCreated(answer.name, answer.token);
      },
      { keepBusy: true },
    );
  };

  const updateScope = (i: number, change: Partial<Scope["entity"]> | { permissions: string[] }) =>
    setScopes(scopes.map((s, j) => (j !== i ? s : "permissions" in change ? { ...s, permissions: change.permissions } : { ...s, entity: { ...s.entity, ...change } })));

  return (
    <form className="form card card-soft token-form" onSubmit={(e) => void submit(e)} aria-labelledby="new-token-title">
      <h2 id="new-token-title">Create a new access token</h2>
      {action.error !== undefined && <ErrorBox error={action.error} title="Could not create the token" />}
      <div className="row">
        <div className="field">
          <label htmlFor="token-name">Token name</label>
          <input id="token-name" className="input" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required autoFocus placeholder="e.g. laptop, ci, inference" />
        </div>
        <div className="field">
          <label htmlFor="token-expiry">Expires</label>
          <select id="token-expiry" className="select" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {expiryChoices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <fieldset className="choices">
        <legend className="field-label">Token type</legend>
        {(Object.keys(roleLabels) as Role[]).map((r) => (
          <label key={r} className="choice">
            <input type="radio" name="token-role" value={r} checked={role === r} onChange={() => setRole(r)} />
            <span>
              <strong>{roleLabels[r].title}</strong>
              <span className="field-help"> — {roleLabels[r].help}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {role === "fineGrained" && (
        <fieldset className="scopes">
          <legend className="field-label">Scopes</legend>
          {scopes.map((scope, i) => (
            <div key={i} className="scope card">
              <div className="row">
                <div className="field">
                  <label htmlFor={`scope-type-${i}`}>Applies to</label>
                  <select id={`scope-type-${i}`} className="select" value={scope.entity.type} onChange={(e) => updateScope(i, { type: e.target.value as EntityType })}>
                    <option value="user">My namespace</option>
                    <option value="org">An organization</option>
                    <option value="model">One model</option>
                    <option value="dataset">One dataset</option>
                    <option value="space">One space</option>
                  </select>
                </div>
                <div className="field">
                  <label htmlFor={`scope-name-${i}`}>{scope.entity.type === "user" || scope.entity.type === "org" ? "Name" : "Repo id (namespace/name)"}</label>
                  <input id={`scope-name-${i}`} className="input" value={scope.entity.name} onChange={(e) => updateScope(i, { name: e.target.value })} required spellCheck={false} />
                </div>
              </div>
              <fieldset className="permissions">
                <legend className="visually-hidden">Permissions for scope {i + 1}</legend>
                {permissionLabels.map((p) => (
                  <label key={p.value} className="check">
                    <input
                      type="checkbox"
                      checked={scope.permissions.includes(p.value)}
                      onChange={(e) =>
                        updateScope(i, { permissions: e.target.checked ? [...scope.permissions, p.value] : scope.permissions.filter((x) => x !== p.value) })
                      }
                    />
                    {p.label} <code className="faint">{p.value}</code>
                  </label>
                ))}
              </fieldset>
              {scopes.length > 1 && (
                <button type="button" className="btn btn-small btn-danger" onClick={() => setScopes(scopes.filter((_, j) => j !== i))}>
                  Remove scope
                </button>
              )}
            </div>
          ))}
          <button type="button" className="btn btn-small" onClick={() => setScopes([...scopes, { entity: { type: "model", name: `${user}/` }, permissions: ["repo.content.read"] }])}>
            Add a scope
          </button>
          <label className="check">
            <input type="checkbox" checked={gatedRepos} onChange={(e) => setGatedRepos(e.target.checked)} />
            Also read the files of public gated repos you were given access to <code className="faint">canReadGatedRepos</code>
          </label>
        </fieldset>
      )}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={action.busy || name.trim() === ""}>
          {action.busy ? "Creating…" : "Create token"}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function TokenTable({ tokens, onRevoked }: { tokens: TokenInfo[]; onRevoked: () => void }) {
  const action = useAction();
  /** The token being revoked, while `action` is busy. */
  const [revoking, setRevoking] = useState<number | null>(null);
  const revoke = async (token: TokenInfo) => {
    if (!window.confirm(`Revoke the token “${token.name}”? Anything using it stops working at once.`)) return;
    setRevoking(token.id);
    await action.run(async () => {
      await api(`/api/settings/tokens/${token.id}`, { method: "DELETE" });
      onRevoked();
    });
  };
  const busy = action.busy ? revoking : null;
  return (
    <>
      {action.error !== undefined && <ErrorBox error={action.error} title="Could not revoke the token" />}
      <div className="table-scroll">
      <table className="table tokens-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col" className="hide-narrow">
              Created
            </th>
            <th scope="col" className="hide-narrow">
              Last used
            </th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <td>
                <strong>{t.name}</strong>
                {t.scoped && t.scoped.length > 0 && (
                  <div className="field-help">
                    {t.scoped.map((s) => `${s.entity.name}: ${s.permissions.join(", ")}`).join("; ")}
                    {t.canReadGatedRepos && "; gated repos you were given access to"}
                  </div>
                )}
              </td>
              <td>
                <span className="badge">{roleLabels[t.role]?.title ?? t.role}</span>
              </td>
              <td className="hide-narrow">{shortDate(t.createdAt)}</td>
              <td className="hide-narrow">{t.lastUsedAt ? shortDate(t.lastUsedAt) : <span className="faint">never</span>}</td>
              <td>{t.expiresAt ? <span className={Date.parse(t.expiresAt) < Date.now() ? "field-error" : undefined}>{shortDate(t.expiresAt)}</span> : <span className="faint">never</span>}</td>
              <td>
                <button type="button" className="btn btn-small btn-danger" onClick={() => void revoke(t)} disabled={busy === t.id} aria-label={`Revoke token ${t.name}`}>
                  {busy === t.id ? "Revoking…" : "Revoke"}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </>
  );
}

function shortDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}
