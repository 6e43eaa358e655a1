import { type FormEvent, useState } from "react";
import { api, ApiError, type RepoType, repoPagePath } from "../../api";
import { ErrorBox } from "../../components/ErrorBox";
import { Spinner } from "../../components/Spinner";
import { Link, navigate, useSearchParams } from "../../router";
import { useSession } from "../../session";
import { useAction } from "../../use-action";
import { useApi, useTitle } from "../../use-api";

/** What `GET /api/whoami-v2` says that this page uses: the user and their organizations with roles. */
interface WhoAmI {
  name: string;
  orgs: Array<{ name: string; fullname: string; roleInOrg?: string }>;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
const typeLabels: Record<RepoType, { title: string; help: string }> = {
  model: { title: "Model", help: "Weights, config and a model card." },
  dataset: { title: "Dataset", help: "Data files and a dataset card." },
  space: { title: "Space", help: "An app's code and files." },
};

/** `/new`: create a repo (type, owner, name, visibility) with `POST /api/repos/create`, then open it. */
export function NewRepoPage() {
  useTitle("New repository");
  const session = useSession();
  const [params] = useSearchParams();
  const initialType = (["model", "dataset", "space"] as const).find((t) => t === params.get("type")) ?? "model";
  const me = useApi<WhoAmI>(session.user ? "/api/whoami-v2" : null);
  const [type, setType] = useState<RepoType>(initialType);
  const [owner, setOwner] = useState<string>("");
  const [name, setName] = useState("");
  const [isPrivate, setPrivate] = useState(false);
  const [touched, setTouched] = useState(false);
  const action = useAction();

  if (session.loading) return <div className="container-medium"><Spinner /></div>;
  if (!session.user) {
    return (
      <div className="container-medium">
        <h1>Create a new repository</h1>
        <p className="notice">
          <Link to="/login?next=/new">Sign in</Link> to create a repository.
        </p>
      </div>
    );
  }
  if (me.loading) return <div className="container-medium"><Spinner /></div>;
  if (me.error) return <div className="container-medium"><ErrorBox error={me.error} onRetry={me.reload} /></div>;

  const owners = [me.data!.name, ...me.data!.orgs.filter((o) => o.roleInOrg !== "read").map((o) => o.name)];
  const chosenOwner = owner || owners[0]!;
  const nameProblem =
    name === "" ? "Give the repository a name."
    : !namePattern.test(name) ? "Letters, digits, '.', '_' and '-' only, starting with a letter or digit (at most 96)."
    : name.includes("--") || name.includes("..") ? "No '--' or '..'."
    : name.endsWith(".git") || name.endsWith(".") ? "It may not end with '.git' or '.'."
    : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (nameProblem) return;
    await action.run(
      async () => {
        const created = await api<{ name: string }>("/api/repos/create", { json: { type, name: `${chosenOwner}/${name}`, private: isPrivate } });
        navigate(repoPagePath(type, created.name));
      },
      { keepBusy: true },
    );
  };

  return (
    <div className="container-medium">
      <h1>Create a new repository</h1>
      <p className="muted">A repository holds files with their history. Push with git, upload here, or use the Hugging Face clients.</p>
      <form className="form card" onSubmit={(e) => void submit(e)} noValidate>
        {action.error !== undefined && (
          <ErrorBox error={action.error} title={action.error instanceof ApiError && action.error.status === 409 ? "A repository with this name exists" : "Could not create the repository"} />
        )}
        <fieldset className="choices">
          <legend className="field-label">Type</legend>
          {(Object.keys(typeLabels) as RepoType[]).map((t) => (
            <label key={t} className="choice">
              <input type="radio" name="type" value={t} checked={type === t} onChange={() => setType(t)} />
              <span>
                <strong>{typeLabels[t].title}</strong>
                <span className="field-help"> — {typeLabels[t].help}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="row">
          <div className="field owner-field">
            <label htmlFor="new-owner">Owner</label>
            <select id="new-owner" className="select" value={chosenOwner} onChange={(e) => setOwner(e.target.value)}>
              {owners.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </div>
          <span className="owner-slash" aria-hidden="true">
            /
          </span>
          <div className="field">
            <label htmlFor="new-name">{typeLabels[type].title} name</label>
            <input
              id="new-name"
              className="input"
              value={name}
              onChange={(e) => setName(e.target.value)}
              autoFocus
              required
              autoComplete="off"
              spellCheck={false}
              aria-invalid={touched && !!nameProblem}
              aria-describedby="new-name-error"
            />
          </div>
        </div>
        {touched && nameProblem && (
          <span id="new-name-error" className="field-error">
            {nameProblem}
          </span>
        )}
        <fieldset className="choices">
          <legend className="field-label">Visibility</legend>
          <label className="choice">
            <input type="radio" name="visibility" checked={!isPrivate} onChange={() => setPrivate(false)} />
            <span>
              <strong>Public</strong>
              <span className="field-help"> — anyone can see and download it; only you{chosenOwner !== me.data!.name ? " and the organization's members" : ""} can change it.</span>
            </span>
          </label>
          <label className="choice">
            <input type="radio" name="visibility" checked={isPrivate} onChange={() => setPrivate(true)} />
            <span>
              <strong>Private</strong>
              <span className="field-help"> — only you{chosenOwner !== me.data!.name ? " and the organization's members" : ""} can see it.</span>
            </span>
          </label>
        </fieldset>
        <div>
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            {action.busy ? "Creating…" : `Create ${type}`}
          </button>
        </div>
      </form>
    </div>
  );
}
