import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveRoute } from "../web/src/routes.js";

/** The web app's URL table (web/src/routes.ts): Hub-shaped URLs to pages. */
test("top-level pages, listings and profiles", () => {
  assert.deepEqual(resolveRoute("/"), { page: "home" });
  assert.deepEqual(resolveRoute("/models"), { page: "listing", type: "model" });
  assert.deepEqual(resolveRoute("/datasets/"), { page: "listing", type: "dataset" });
  assert.deepEqual(resolveRoute("/spaces"), { page: "listing", type: "space" });
  for (const page of ["login", "join", "logout", "new"] as const) assert.deepEqual(resolveRoute(`/${page}`), { page });
  assert.deepEqual(resolveRoute("/settings/tokens"), { page: "tokens" });
  assert.deepEqual(resolveRoute("/ada"), { page: "profile", name: "ada" });
  assert.deepEqual(resolveRoute("/api"), { page: "notFound" });
});

test("repo pages of each type and their views, with decoded revisions and paths", () => {
  const base = { type: "model", ns: "ada", name: "m", id: "ada/m" };
  assert.deepEqual(resolveRoute("/ada/m"), { page: "repo", repo: { ...base, view: "card" } });
  assert.deepEqual(resolveRoute("/models/ada/m"), { page: "repo", repo: { ...base, view: "card" } });
  assert.deepEqual(resolveRoute("/datasets/ada/d/tree/main"), { page: "repo", repo: { type: "dataset", ns: "ada", name: "d", id: "ada/d", view: "tree", rev: "main", path: "" } });
  assert.deepEqual(resolveRoute("/spaces/ada/s/blob/v1.0/src/app%20one.py"), {
    page: "repo",
    repo: { type: "space", ns: "ada", name: "s", id: "ada/s", view: "blob", rev: "v1.0", path: "src/app one.py" },
  });
  assert.deepEqual(resolveRoute("/ada/m/tree/refs%2Fpr%2F1/dir"), { page: "repo", repo: { ...base, view: "tree", rev: "refs/pr/1", path: "dir" } });
  assert.deepEqual(resolveRoute("/ada/m/commits/main"), { page: "repo", repo: { ...base, view: "commits", rev: "main" } });
  assert.deepEqual(resolveRoute("/ada/m/commit/0123abc"), { page: "repo", repo: { ...base, view: "commit", sha: "0123abc" } });
  assert.deepEqual(resolveRoute("/ada/m/edit/main/README.md"), { page: "repo", repo: { ...base, view: "edit", rev: "main", path: "README.md" } });
  assert.deepEqual(resolveRoute("/ada/m/upload/main"), { page: "repo", repo: { ...base, view: "upload", rev: "main", path: "" } });
  assert.deepEqual(resolveRoute("/ada/m/upload/main/weights/fp16"), { page: "repo", repo: { ...base, view: "upload", rev: "main", path: "weights/fp16" } });
  assert.deepEqual(resolveRoute("/ada/m/playground"), { page: "repo", repo: { ...base, view: "other", rest: "playground" } });
  assert.deepEqual(resolveRoute("/ada/m/tree"), { page: "repo", repo: { ...base, view: "tree", rev: "main", path: "" } });
});

test("reserved first segments are never repos", () => {
  assert.deepEqual(resolveRoute("/api/whatever"), { page: "notFound" });
  assert.deepEqual(resolveRoute("/settings/nope"), { page: "notFound" });
  assert.deepEqual(resolveRoute("/datasets/only-one"), { page: "notFound" });
});
