/**
 * The app's URL table, as data: `resolveRoute(pathname)` says which page a URL
 * shows and with which parameters. The URLs follow the Hugging Face Hub's, so
 * links copied between the two keep their shape:
 *
 *   /                                  home
 *   /models  /datasets  /spaces        listings (query in the URL: ?search=&sort=&p=…)
 *   /login  /join  /logout             sign in, sign up, sign out
 *   /new                               create a repo
 *   /settings/tokens                   access tokens
 *   /organizations/new                 create an organization
 *   /admin/audit-log                   the audit log (admins)
 *   /:ns/:name                         model repo page (model card)
 *   /datasets/:ns/:name  /spaces/:ns/:name        the same for datasets and spaces
 *   …/tree/:rev/*path                  files tab (folder)
 *   …/blob/:rev/*path                  one file
 *   …/commits/:rev                     history
 *   …/commit/:sha                      one commit
 *   …/edit/:rev/*path                  edit a text file, the model card first (README.md)
 *   …/upload/:rev/*path                upload files (into the folder `path`)
 *   …/settings                         repo settings: visibility, gating, access requests, rename, delete (view "other")
 *   …/<anything else>                  other repo tabs (view "other", `rest` holds the sub-path)
 *   /:user                             a user's or organization's profile
 */
import type { RepoType } from "./api.js";
import { matchPath } from "./match-path.js";

/** A repo page URL, parsed. `rev` and `path` are decoded. */
export interface RepoRoute {
  type: RepoType;
  ns: string;
  name: string;
  /** `ns/name` */
  id: string;
  view: "card" | "tree" | "blob" | "commits" | "commit" | "edit" | "upload" | "other";
  /** Revision for tree/blob/commits/edit/upload. */
  rev?: string;
  /** File or folder path for tree/blob/edit ("" = root). */
  path?: string;
  /** Commit id for view "commit". */
  sha?: string;
  /** The sub-path after `ns/name/` for view "other" (e.g. "playground"). */
  rest?: string;
}

export type AppRoute =
  | { page: "home" }
  | { page: "listing"; type: RepoType }
  | { page: "repo"; repo: RepoRoute }
  | { page: "login" }
  | { page: "join" }
  | { page: "logout" }
  | { page: "new" }
  | { page: "tokens" }
  | { page: "newOrg" }
  | { page: "auditLog" }
  | { page: "profile"; name: string }
  | { page: "notFound" };

/** First path segments that are never a user, an org or a model namespace (the hub's reserved names, src/lib/repo-names.ts). */
export const reservedNames = new Set([
  "api", "datasets", "spaces", "models", "kernels", "organizations", "orgs", "settings", "login", "logout",
  "join", "signup", "new", "docs", "health", "metrics", "v1", "static", "assets", "admin", "search", "lfs-upload",
]);

const repoViews: Array<[string, RepoRoute["view"]]> = [
  ["tree/:rev/*path", "tree"],
  ["blob/:rev/*path", "blob"],
  ["commits/:rev", "commits"],
  ["commit/:sha", "commit"],
  ["edit/:rev/*path", "edit"],
  ["upload/:rev/*path", "upload"],
];

export function resolveRoute(pathname: string): AppRoute {
  const path = pathname.replace(/\/+$/, "") || "/";
  if (path === "/") return { page: "home" };
  for (const [url, page] of [["/login", "login"], ["/join", "join"], ["/logout", "logout"], ["/new", "new"], ["/settings/tokens", "tokens"]] as const) {
    if (path === url) return { page };
  }
  if (path === "/settings") return { page: "tokens" };
  if (path === "/organizations/new") return { page: "newOrg" };
  if (path === "/admin/audit-log") return { page: "auditLog" };
  for (const type of ["model", "dataset", "space"] as const) {
    if (type !== "model" && path === `/${type}s`) return { page: "listing", type };
  }
  if (path === "/models") return { page: "listing", type: "model" };

  const segments = path.split("/").filter(Boolean);
  let type: RepoType = "model";
  let rest = segments;
  if (segments[0] === "datasets" || segments[0] === "spaces") {
    type = segments[0] === "datasets" ? "dataset" : "space";
    rest = segments.slice(1);
  } else if (segments[0] === "models") {
    // `/models/ns/name` is how some links name a model; the page lives at `/ns/name`.
    rest = segments.slice(1);
  }
  if (rest.length === 1 && type === "model" && segments.length === 1) {
    const name = decodeSegment(rest[0]!);
    return reservedNames.has(name) ? { page: "notFound" } : { page: "profile", name };
  }
  if (rest.length < 2) return { page: "notFound" };
  const ns = decodeSegment(rest[0]!);
  const name = decodeSegment(rest[1]!);
  if (type === "model" && segments[0] !== "models" && reservedNames.has(ns)) return { page: "notFound" };
  const repo = { type, ns, name, id: `${ns}/${name}` };
  const sub = "/" + rest.slice(2).join("/");
  if (sub === "/") return { page: "repo", repo: { ...repo, view: "card" } };
  for (const [pattern, view] of repoViews) {
    const params = matchPath(pattern, sub);
    if (params) return { page: "repo", repo: { ...repo, view, ...params } };
  }
  // `/ns/name/tree/main` with no path, `/ns/name/tree` with no revision.
  if (sub === "/tree" || sub === "/blob") return { page: "repo", repo: { ...repo, view: "tree", rev: "main", path: "" } };
  if (sub === "/commits") return { page: "repo", repo: { ...repo, view: "commits", rev: "main" } };
  return { page: "repo", repo: { ...repo, view: "other", rest: rest.slice(2).map(decodeSegment).join("/") } };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
