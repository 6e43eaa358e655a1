import { useState } from "react";
import { Link, useSearchParams } from "../../router";
import { useSession } from "../../session";
import { useTitle } from "../../use-api";
import { AuthForm, useSignIn } from "./AuthForm";
import { safeNext } from "./next";

/** `/login`: sign in with a user name and password; back to `?next=` after. */
export function LoginPage() {
  useTitle("Sign in");
  const session = useSession();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useSignIn(next);

  return (
    <AuthForm
      title="Sign in to Modelport"
      notice={
        session.user && (
          <>
            You are signed in as <strong>{session.user.name}</strong>. <Link to="/">Go home</Link>
          </>
        )
      }
      action={signIn}
      errorTitle="Could not sign in"
      onSubmit={() => void signIn.send("/api/auth/login", { username: username.trim(), password })}
      foot={
        session.allowSignup ? (
          <>
            No account yet? <Link to={`/join${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`}>Sign up</Link>
          </>
        ) : (
          "Accounts on this hub are created by its administrators."
        )
      }
    >
      <div className="field">
        <label htmlFor="login-username">Username</label>
        <input id="login-username" className="input" name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="login-password">Password</label>
        <input id="login-password" className="input" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </div>
      <button type="submit" className="btn btn-primary" disabled={signIn.busy || !username || !password}>
        {signIn.busy ? "Signing in…" : "Sign in"}
      </button>
    </AuthForm>
  );
}
