import { useState } from "react";
import { ErrorBox } from "../../components/ErrorBox";
import { Link, navigate } from "../../router";
import { useSession } from "../../session";
import { useTitle } from "../../use-api";

/**
 * `/logout`: asks before signing out, so a link from elsewhere cannot sign
 * the user out by itself (the menu's "Sign out" signs out at once).
 */
export function LogoutPage() {
  useTitle("Sign out");
  const session = useSession();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (!session.loading && !session.user) {
    return (
      <div className="container-narrow">
        <h1>Signed out</h1>
        <p className="muted">You are not signed in.</p>
        <Link to="/login" className="btn">
          Sign in
        </Link>
      </div>
    );
  }
  const submit = async () => {
    setBusy(true);
    try {
      await session.signOut();
      navigate("/", { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <div className="container-narrow">
      <h1>Sign out</h1>
      {error !== undefined && <ErrorBox error={error} />}
      <p className="muted">Sign out of Modelport{session.user ? ` as ${session.user.name}` : ""}? Your access tokens keep working.</p>
      <button type="button" className="btn btn-primary" onClick={() => void submit()} disabled={busy}>
        {busy ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}
