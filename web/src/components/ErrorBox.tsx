import { ApiError } from "../api";

/** A failure shown in the page: the hub's message, and what the user may do. */
export function ErrorBox({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    error instanceof ApiError && error.status === 401 ? "Sign in and try again."
    : error instanceof ApiError && error.status === 403 ? "Your account is not allowed to do this."
    : error instanceof ApiError && error.status === 429 ? "Too many attempts: wait a moment and try again."
    : undefined;
  return (
    <div className="error-box" role="alert">
      <strong>{title ?? "Something went wrong"}</strong>
      <p>{message}</p>
      {hint && <p className="muted">{hint}</p>}
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
