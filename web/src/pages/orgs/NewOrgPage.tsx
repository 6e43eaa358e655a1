/** `/organizations/new`: create an organization (`POST /api/organizations`); its creator becomes its admin. */
import { type FormEvent, useState } from "react";
import { api } from "../../api";
import { ErrorBox } from "../../components/ErrorBox";
import { Spinner } from "../../components/Spinner";
import { Link, navigate } from "../../router";
import { useSession } from "../../session";
import { useAction } from "../../use-action";
import { useTitle } from "../../use-api";

export function NewOrgPage() {
  useTitle("New organization");
  const session = useSession();
  const [name, setName] = useState("");
  const [fullname, setFullname] = useState("");
  const action = useAction();

  if (session.loading) return <div className="container-narrow"><Spinner /></div>;
  if (!session.user) {
    return (
      <div className="container-narrow">
        <h1>New organization</h1>
        <p className="notice">
          <Link to="/login?next=/organizations/new">Sign in</Link> to create an organization.
        </p>
      </div>
    );
  }

  const validName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/.test(name.trim());
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(
      async () => {
        const org = await api<{ name: string }>("/api/organizations", { json: { name: name.trim(), ...(fullname.trim() ? { fullname: fullname.trim() } : {}) } });
        navigate(`/${encodeURIComponent(org.name)}`);
      },
      { keepBusy: true },
    );
  };

  return (
    <div className="container-narrow">
      <h1>New organization</h1>
      <p className="muted">An organization owns repos that its members share. You become its admin and can add members afterwards.</p>
      <form className="form card" onSubmit={(e) => void submit(e)}>
        {action.error !== undefined && <ErrorBox error={action.error} title="Could not create the organization" />}
        <div className="field">
          <label htmlFor="org-name">Organization name</label>
          <input
            id="org-name"
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            autoFocus
            spellCheck={false}
            autoComplete="off"
            aria-describedby="org-name-help"
            aria-invalid={name !== "" && !validName}
          />
          <span id="org-name-help" className={name !== "" && !validName ? "field-error" : "field-help"}>
            Letters, digits, '-', '_' and '.'; it is the namespace of the org's repos (<code>{name.trim() || "org"}/model</code>) and shares one namespace with user names.
          </span>
        </div>
        <div className="field">
          <label htmlFor="org-fullname">Full name (optional)</label>
          <input id="org-fullname" className="input" value={fullname} onChange={(e) => setFullname(e.target.value)} maxLength={200} />
        </div>
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={action.busy || !validName}>
            {action.busy ? "Creating…" : "Create organization"}
          </button>
        </div>
      </form>
    </div>
  );
}
