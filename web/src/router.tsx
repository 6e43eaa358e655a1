/**
 * A tiny router on the History API: the app's pages are plain URLs, links are
 * real `<a href>` (open in a new tab, copy, middle-click all work) and a click
 * is turned into `history.pushState` so the page changes without a reload.
 *
 *   useRoute()          the current path and query, re-rendering on navigation
 *   <Link to="/x">      an anchor that navigates in-app
 *   navigate(to)        programmatic navigation (`{ replace: true }` for redirects)
 *   useSearchParams()   the query string as URLSearchParams plus a setter that
 *                       keeps it in the URL (listings, filters, pagination)
 *   matchPath(p, path)  `/:ns/:name/tree/:rev/*path` -> { ns, name, rev, path }
 */
import { type AnchorHTMLAttributes, type MouseEvent, useCallback, useSyncExternalStore } from "react";

export { matchPath } from "./match-path";

export interface Route {
  /** Decoded path, without query or hash: `/org/model/tree/main/sub dir`. */
  pathname: string;
  /** The query string with its `?`, or "". */
  search: string;
  hash: string;
}

const listeners = new Set<() => void>();
let current = readLocation();

function readLocation(): Route {
  return { pathname: window.location.pathname, search: window.location.search, hash: window.location.hash };
}

function notify(): void {
  const next = readLocation();
  if (next.pathname === current.pathname && next.search === current.search && next.hash === current.hash) return;
  current = next;
  for (const listener of listeners) listener();
}

window.addEventListener("popstate", notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current location; the component re-renders when it changes. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => current);
}

/** Goes to `to` (a path with optional query) without reloading the page. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.href);
  if (url.origin !== window.location.origin) {
    window.location.assign(url.href);
    return;
  }
  const samePage = url.pathname === window.location.pathname;
  if (options.replace) window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  else window.history.pushState(null, "", url.pathname + url.search + url.hash);
  notify();
  if (!samePage && !url.hash) window.scrollTo(0, 0);
}

export type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & { to: string; replace?: boolean };

/** An `<a>` that navigates in-app on a plain left click; modified clicks behave as usual. */
export function Link({ to, replace, onClick, target, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (target && target !== "_self") return;
    event.preventDefault();
    navigate(to, { replace });
  };
  return <a href={to} target={target} onClick={handle} {...rest} />;
}

/**
 * The query string, and a setter that writes it back into the URL (replacing the
 * history entry by default, so typing in a filter box does not flood Back).
 * `set` takes a record; `undefined`, `null` and "" remove a key.
 */
export function useSearchParams(): [URLSearchParams, (changes: Record<string, string | number | null | undefined>, options?: { push?: boolean }) => void] {
  const route = useRoute();
  const params = new URLSearchParams(route.search);
  const set = useCallback((changes: Record<string, string | number | null | undefined>, options: { push?: boolean } = {}) => {
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === null || value === "") next.delete(key);
      else next.set(key, String(value));
    }
    const query = next.toString();
    navigate(window.location.pathname + (query ? `?${query}` : ""), { replace: !options.push });
  }, []);
  return [params, set];
}

/** Encodes each segment of a path (keeps the slashes): for file paths in URLs. */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
