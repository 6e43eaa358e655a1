import { Link } from "../router";
import { useTitle } from "../use-api";

/**
 * The 404 page. A repo the user may not see shows this too, exactly like a
 * missing one (the API answers both the same way).
 */
export function NotFound({ what = "page" }: { what?: string }) {
  useTitle("404");
  return (
    <div className="not-found">
      <p className="not-found-code">404</p>
      <h1>Sorry, we can't find the {what} you are looking for.</h1>
      <p className="muted">It may not exist, or it may be private. If it is yours, check that you are signed in.</p>
      <p>
        <Link to="/" className="btn">
          Back to home
        </Link>
      </p>
    </div>
  );
}
