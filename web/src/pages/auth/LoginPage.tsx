import { type FormEvent, useState } from "react";
import { api } from "../../api";
import { ErrorBox } from "../../components/ErrorBox";
import { Link, navigate, useSearchParams } from "../../router";
import { useSession } from "../../session";
import { useTitle } from "../../use-api";
import { safeNext } from "./next";

/** `/login`: sign in with a user name and password; back to `?next=` after. */
export function LoginPage() {
  useTitle("Sign in");
  const session = useSession();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api("/api/auth/login", { json: { username: username.trim(), password } });
      await session.refresh();
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="container-narrow">
      <div className="auth-head">
        <span className="logo-mark auth-logo" aria-hidden="true">
          M
        </span>
        <h1>Sign in to Modelport</h1>
      </div>
      {session.user && (
        <p className="notice">
          You are signed in as <strong>{session.user.name}</strong>. <Link to="/">Go home</Link>
        </p>
      )}
      <form className="form card" onSubmit={(e) => void submit(e)} noValidate>
        {error !== undefined && <ErrorBox error={error} title="Could not sign in" />}
        <div className="field">
          <label htmlFor="login-username">Username</label>
          <input id="login-username" className="input" name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input id="login-password" className="input" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy || !username || !password}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="auth-foot muted">
        {session.allowSignup ? (
          <>
            No account yet? <Link to={`/join${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`}>Sign up</Link>
          </>
        ) : (
          "Accounts on this hub are created by its administrators."
        )}
      </p>
    </div>
  );
}
