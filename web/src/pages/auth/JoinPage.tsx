import { type ReactNode, useState } from "react";
import { ApiError } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { Spinner } from "../../components/Spinner";
import { Link, useSearchParams } from "../../router";
import { useSession } from "../../session";
import { useTitle } from "../../use-api";
import { AuthForm, useSignIn } from "./AuthForm";
import { safeNext } from "./next";

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/** `/join`: create an account (when the hub allows it) and sign in. */
export function JoinPage() {
  useTitle("Sign up");
  const session = useSession();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [form, setForm] = useState({ username: "", fullname: "", email: "", password: "", confirm: "" });
  const signUp = useSignIn(next);
  const [touched, setTouched] = useState(false);

  if (session.loading) return <div className="container-narrow"><Spinner /></div>;
  if (!session.allowSignup && !session.user) {
    return (
      <div className="container-narrow">
        <h1>Sign up</h1>
        <EmptyState title="Sign-up is closed on this hub" action={<Link to="/login" className="btn">Sign in</Link>}>
          Ask an administrator for an account.
        </EmptyState>
      </div>
    );
  }

  const nameProblem =
    form.username === "" ? "Choose a username."
    : !namePattern.test(form.username) ? "Letters, digits, '.', '_' and '-' only, starting with a letter or digit."
    : form.username.includes("--") || form.username.includes("..") ? "No '--' or '..'."
    : undefined;
  const passwordProblem = form.password.length < 8 ? "At least 8 characters." : undefined;
  const confirmProblem = form.confirm !== form.password ? "The passwords differ." : undefined;
  const invalid = nameProblem ?? passwordProblem ?? confirmProblem;
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  const submit = () => {
    setTouched(true);
    if (invalid) return;
    void signUp.send("/api/auth/signup", {
      username: form.username,
      password: form.password,
      email: form.email.trim() || undefined,
      fullname: form.fullname.trim() || undefined,
    });
  };

  return (
    <AuthForm
      title="Create your account"
      notice={session.user && <>You are signed in as <strong>{session.user.name}</strong>; signing up creates another account and signs in with it.</>}
      action={signUp}
      errorTitle={signUp.error instanceof ApiError && signUp.error.status === 409 ? "That username is taken" : "Could not sign up"}
      onSubmit={submit}
      foot={
        <>
          Already have an account? <Link to="/login">Sign in</Link>
        </>
      }
    >
      <Field id="join-username" label="Username" error={touched ? nameProblem : undefined} help="Your namespace: your repos live at /username/repo.">
        <input id="join-username" className="input" autoComplete="username" required autoFocus value={form.username} onChange={set("username")} aria-invalid={touched && !!nameProblem} aria-describedby="join-username-help join-username-error" />
      </Field>
      <Field id="join-fullname" label="Full name (optional)">
        <input id="join-fullname" className="input" autoComplete="name" value={form.fullname} onChange={set("fullname")} />
      </Field>
      <Field id="join-email" label="Email (optional)">
        <input id="join-email" className="input" type="email" autoComplete="email" value={form.email} onChange={set("email")} />
      </Field>
      <Field id="join-password" label="Password" error={touched ? passwordProblem : undefined} help="At least 8 characters.">
        <input id="join-password" className="input" type="password" autoComplete="new-password" required value={form.password} onChange={set("password")} aria-invalid={touched && !!passwordProblem} aria-describedby="join-password-help join-password-error" />
      </Field>
      <Field id="join-confirm" label="Confirm password" error={touched ? confirmProblem : undefined}>
        <input id="join-confirm" className="input" type="password" autoComplete="new-password" required value={form.confirm} onChange={set("confirm")} aria-invalid={touched && !!confirmProblem} aria-describedby="join-confirm-error" />
      </Field>
      <button type="submit" className="btn btn-primary" disabled={signUp.busy}>
        {signUp.busy ? "Creating account…" : "Create account"}
      </button>
    </AuthForm>
  );
}

function Field({ id, label, help, error, children }: { id: string; label: string; help?: string; error?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {help && (
        <span id={`${id}-help`} className="field-help">
          {help}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
