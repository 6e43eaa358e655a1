import type { ReactNode } from "react";
import { api } from "../../api";
import { ErrorBox } from "../../components/ErrorBox";
import { navigate } from "../../router";
import { useSession } from "../../session";
import { type Action, useAction } from "../../use-action";

/**
 * The frame of `/login` and `/join`: the logo and title, a notice (for who is
 * signed in already), the form with the error of its last try, and a footer.
 */
export function AuthForm(props: {
  title: string;
  notice?: ReactNode;
  action: Action;
  errorTitle: string;
  onSubmit: () => void;
  children: ReactNode;
  foot: ReactNode;
}) {
  const { action } = props;
  return (
    <div className="container-narrow">
      <div className="auth-head">
        <span className="logo-mark auth-logo" aria-hidden="true">
          M
        </span>
        <h1>{props.title}</h1>
      </div>
      {props.notice && <p className="notice">{props.notice}</p>}
      <form
        className="form card"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
        noValidate
      >
        {action.error !== undefined && <ErrorBox error={action.error} title={props.errorTitle} />}
        {props.children}
      </form>
      <p className="auth-foot muted">{props.foot}</p>
    </div>
  );
}

/**
 * The action of both forms: posts `json` to `path` (which signs in), then
 * refreshes the session and goes to `next`; it stays busy until it has gone.
 */
export function useSignIn(next: string): Action & { send(path: string, json: unknown): Promise<boolean> } {
  const session = useSession();
  const action = useAction();
  const send = (path: string, json: unknown) =>
    action.run(
      async () => {
        await api(path, { json });
        await session.refresh();
        navigate(next, { replace: true });
      },
      { keepBusy: true },
    );
  return { ...action, send };
}
