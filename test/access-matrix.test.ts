import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { authUrl, GitCli } from "./support/git-cli.js";
import { uploadFiles } from "@huggingface/hub";
import { makeGguf } from "./support/gguf-models.js";
import { startHub, type TestHub } from "./support/hub.js";
import { fileLine, header } from "./support/hub-write.js";

/**
 * Who may do what, as one table: every kind of caller against every surface of
 * a public, a private and a gated repo. The expected answer of each case is
 * computed from the caller's rights (the `principals` table) and the rules of
 * `expected()`, never written out per case. One hub and one set of repos serve
 * every case; HTTP cases run concurrently, git (the real CLI) only for clone
 * and push. Wherever the caller may not see the private repo, its answers must
 * be byte for byte those of a missing repo.
 */

const repoKinds = ["public", "private", "gated"] as const;
type RepoKind = (typeof repoKinds)[number];

const surfaces = [
  "info", "tree", "resolve", "lfs-download", "inference", "clone",
  "push", "lfs-upload", "commit", "settings", "listing", "search",
] as const;
type Surface = (typeof surfaces)[number];

/** What a surface needs: to see the repo, to read its files, or to write it; listings only filter. */
const needs: Record<Surface, "see" | "content" | "write" | "list"> = {
  info: "see",
  tree: "see",
  resolve: "content",
  "lfs-download": "content",
  inference: "content",
  clone: "content",
  push: "write",
  "lfs-upload": "write",
  commit: "write",
  settings: "write",
  listing: "list",
  search: "list",
};

/** A caller's rights over the repos of one namespace: the one table the expectations come from. */
interface Rights {
  signedIn: boolean;
  /** Sees the namespace's private repos. */
  seesPrivate: boolean;
  /** Reads the files of the namespace's gated repo. */
  passesGate: boolean;
  /** Writes the namespace's repos. */
  writes: boolean;
  /** Runs the models it may read (a fine-grained token needs `inference.serverless.write` on them). */
  infers: boolean;
  /** Sends a token that is no longer valid (expired, revoked): refused everywhere, public repos included. */
  badToken: boolean;
}

/** The repos are in a user's namespace ("owner") and in an organization's ("acme", made by "orgadmin"). */
const namespaces = { user: "owner", org: "acme" } as const;
type NamespaceKind = keyof typeof namespaces;

interface PrincipalRow {
  name: string;
  /** The token, once the hub has made it. */
  token: () => string | undefined;
  rights: Record<NamespaceKind, Rights>;
}

const tokens = new Map<string, string>();
const tokenOf = (key: string) => () => tokens.get(key);

const anonymousRights: Rights = { signedIn: false, seesPrivate: false, passesGate: false, writes: false, infers: true, badToken: false };
const outsider: Rights = { ...anonymousRights, signedIn: true };
const gateAccepted: Rights = { ...outsider, passesGate: true };
const reader: Rights = { ...outsider, seesPrivate: true, passesGate: true };
const writer: Rights = { ...reader, writes: true };
const noInference = (r: Rights): Rights => ({ ...r, infers: false });
const invalidToken: Rights = { ...outsider, badToken: true };
const same = (r: Rights) => ({ user: r, org: r });

/**
 * Every kind of caller with the rights the access rules give it in each
 * namespace. Org roles are huggingface.co's: read reads, contributor writes
 * only repos they created (none here), write and admin write all.
 */
const principals: PrincipalRow[] = [
  { name: "anonymous", token: () => undefined, rights: same(anonymousRights) },
  { name: "other user", token: tokenOf("other"), rights: same(outsider) },
  { name: "gate-accepted user", token: tokenOf("accepted"), rights: same(gateAccepted) },
  { name: "owner, write token", token: tokenOf("owner"), rights: { user: writer, org: outsider } },
  { name: "owner, read token", token: tokenOf("ownerRead"), rights: { user: reader, org: outsider } },
  { name: "site admin", token: tokenOf("admin"), rights: same(writer) },
  { name: "org member, read", token: tokenOf("orgRead"), rights: { user: outsider, org: reader } },
  { name: "org member, contributor", token: tokenOf("orgContributor"), rights: { user: outsider, org: reader } },
  { name: "org member, write", token: tokenOf("orgWrite"), rights: { user: outsider, org: writer } },
  { name: "org admin", token: tokenOf("orgAdmin"), rights: { user: outsider, org: writer } },
  // The owner's fine-grained tokens: one scoped to their namespace (read, write, inference), one to an unrelated repo.
  { name: "fine-grained token, in scope", token: tokenOf("scoped"), rights: { user: writer, org: noInference(outsider) } },
  { name: "fine-grained token, out of scope", token: tokenOf("unscoped"), rights: same(noInference(outsider)) },
  { name: "expired token", token: tokenOf("expired"), rights: same(invalidToken) },
  { name: "revoked token", token: tokenOf("revoked"), rights: same(invalidToken) },
];

type Outcome = "ok" | "hidden" | "gated" | "denied" | "listed" | "unlisted" | "bad token";

/** The rules: what `who` gets from `surface` on a repo of `kind`. */
function expected(who: Rights, kind: RepoKind, surface: Surface): Outcome {
  if (who.badToken) {
    // git sends credentials only when challenged: where an anonymous clone passes, the bad token is never seen.
    const git = surface === "clone" || surface === "push";
    return git && expected(anonymousRights, kind, surface) === "ok" ? "ok" : "bad token";
  }
  const sees = kind !== "private" || who.seesPrivate;
  if (needs[surface] === "list") return sees ? "listed" : "unlisted";
  if (!sees) return "hidden";
  if (needs[surface] === "see") return "ok";
  if (needs[surface] === "content") {
    if (kind === "gated" && !who.passesGate) return "gated";
    return surface === "inference" && !who.infers ? "denied" : "ok";
  }
  return who.writes ? "ok" : "denied";
}

/** The status (and `X-Error-Code`) an outcome answers with on HTTP surfaces. */
function statusOf(outcome: Outcome, who: Rights, surface: Surface): { status: number; code?: string } {
  switch (outcome) {
    case "ok":
    case "listed":
    case "unlisted":
      return { status: 200 };
    case "hidden":
      // The OpenAI surface answers a repo one cannot see as an unknown model, to everyone.
      if (surface === "inference") return { status: 404 };
      return who.signedIn ? { status: 404, code: "RepoNotFound" } : { status: 401, code: "RepoNotFound" };
    case "gated":
      return { status: who.signedIn ? 403 : 401, code: "GatedRepo" };
    case "denied":
      return { status: who.signedIn ? 403 : 401 };
    case "bad token":
      return { status: 401 };
  }
}

const repoId = (ns: NamespaceKind, kind: RepoKind | "missing") => `${namespaces[ns]}/mx-${kind}`;

describe("access matrix: principal × repo kind × surface", { concurrency: true }, () => {
  let hub: TestHub;
  let git: GitCli;
  let gguf: Buffer;
  let oid: string;
  /** A local repo with one commit of its own, for `git push --dry-run` (ref discovery and its access check, no change). */
  let pushSource: string;
  const gitSlots = limiter(4);
  const commitLocks = new Map<string, Promise<unknown>>();

  before(async () => {
    // Bad tokens are sent on purpose here; the per-IP limits on them (and on writes) would turn later cases into 429s.
    hub = await startHub({ authFailureLimit: 0, writeRateLimit: 0 });
    git = await GitCli.create();
    gguf = await makeGguf({ kind: "scripted" });
    oid = createHash("sha256").update(gguf).digest("hex");
    const [owner, ownerRead, other, accepted, admin, orgAdmin, orgRead, orgContributor, orgWrite] = await Promise.all([
      hub.user("owner"),
      hub.token("owner", "read"),
      hub.user("other"),
      hub.user("accepted"),
      hub.user("root", { admin: true }),
      hub.user("orgadmin"),
      hub.user("reader"),
      hub.user("contributor"),
      hub.user("writer"),
    ]);
    Object.entries({ owner, ownerRead, other, accepted, admin, orgAdmin, orgRead, orgContributor, orgWrite }).forEach(([k, v]) => tokens.set(k, v));
    const call = async (method: string, url: string, token: string, body: unknown) => {
      const res = await fetch(`${hub.url}${url}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      assert.equal(res.status, 200, `${method} ${url}: ${await res.clone().text()}`);
      return res.json() as Promise<Record<string, unknown>>;
    };

    // The organization and its members, one per role.
    await call("POST", "/api/organizations", orgAdmin, { name: "acme" });
    for (const [user, role] of [["reader", "read"], ["contributor", "contributor"], ["writer", "write"]]) {
      await call("POST", "/api/organizations/acme/members", orgAdmin, { user, role });
    }
    // The owner's fine-grained tokens, and the tokens that are no longer valid.
    const fineGrained = (name: string, entity: object, permissions: string[]) =>
      call("POST", "/api/settings/tokens", owner, { name, role: "fineGrained", scoped: [{ entity, permissions }] });
    tokens.set("scoped", (await fineGrained("in scope", { type: "user", name: "owner" }, ["repo.content.read", "repo.write", "inference.serverless.write"])).token as string);
    tokens.set("unscoped", (await fineGrained("out of scope", { type: "model", name: "owner/unrelated" }, ["repo.content.read", "repo.write", "inference.serverless.write"])).token as string);
    const expiring = await call("POST", "/api/settings/tokens", owner, { name: "expired", role: "write", expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    // Its expiry is moved into the past (as the clock would): tokens cannot be made already expired.
    await hub.hub.db.kysely.updateTable("tokens").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where("id", "=", expiring.id as number).execute();
    tokens.set("expired", expiring.token as string);
    const revoked = await call("POST", "/api/settings/tokens", owner, { name: "revoked", role: "write" });
    const del = await fetch(`${hub.url}/api/settings/tokens/${revoked.id}`, { method: "DELETE", headers: { authorization: `Bearer ${owner}` } });
    assert.equal(del.status, 200);
    tokens.set("revoked", revoked.token as string);

    // The repos: public, private and gated, in both namespaces; the gated ones with "accepted" let in.
    await Promise.all(
      (Object.keys(namespaces) as NamespaceKind[]).flatMap((ns) =>
        repoKinds.map(async (kind) => {
          const token = ns === "user" ? owner : orgAdmin;
          const id = repoId(ns, kind);
          await call("POST", "/api/repos/create", token, { name: `mx-${kind}`, ...(ns === "org" ? { organization: "acme" } : {}), type: "model", private: kind === "private" });
          await uploadFiles({
            repo: id,
            accessToken: token,
            hubUrl: hub.url,
            files: [
              { path: "model.gguf", content: new Blob([new Uint8Array(gguf)]) },
              { path: "README.md", content: new Blob([`# ${kind}\n`]) },
            ],
          });
          if (kind === "gated") {
            await call("PUT", `/api/models/${id}/settings`, token, { gated: "manual" });
            await call("POST", `/api/models/${id}/user-access-request/grant`, token, { user: "accepted" });
          }
        }),
      ),
    );
    pushSource = await mkdtemp(path.join(git.work, "push-source-"));
    await git.run(["init", "--quiet"], pushSource);
    await writeFile(path.join(pushSource, "notes.txt"), "matrix\n");
    await git.run(["add", "."], pushSource);
    await git.run(["commit", "--quiet", "-m", "matrix"], pushSource);
  });
  after(async () => {
    await hub?.close();
    await git?.dispose();
  });

  const bearer = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  /** git-lfs sends the token as basic auth; any user name works. */
  const basic = (token: string | undefined): Record<string, string> =>
    token ? { authorization: `Basic ${Buffer.from(`hf_user:${token}`).toString("base64")}` } : {};

  /** One HTTP request of a surface against `id`; undefined for the git and listing surfaces. */
  function httpRequest(surface: Surface, id: string, kind: RepoKind | "missing", token: string | undefined): Promise<Response> | undefined {
    const u = hub.url;
    const lfs = (operation: "download" | "upload") =>
      fetch(`${u}/${id}.git/info/lfs/objects/batch`, {
        method: "POST",
        headers: { ...basic(token), accept: "application/vnd.git-lfs+json", "content-type": "application/vnd.git-lfs+json" },
        body: JSON.stringify({ operation, transfers: ["basic"], objects: [{ oid, size: gguf.length }] }),
      });
    switch (surface) {
      case "info":
        return fetch(`${u}/api/models/${id}`, { headers: bearer(token) });
      case "tree":
        return fetch(`${u}/api/models/${id}/tree/main`, { headers: bearer(token) });
      case "resolve":
        return fetch(`${u}/${id}/resolve/main/model.gguf`, { headers: bearer(token) });
      case "lfs-download":
        return lfs("download");
      case "lfs-upload":
        return lfs("upload");
      case "inference":
        return fetch(`${u}/v1/models/${id}`, { headers: bearer(token) });
      case "settings": {
        // The repo's current settings: allowed writes change nothing, so cases stay independent.
        const body = kind === "gated" ? { gated: "manual" } : { private: kind === "private" };
        return fetch(`${u}/api/models/${id}/settings`, { method: "PUT", headers: { ...bearer(token), "content-type": "application/json" }, body: JSON.stringify(body) });
      }
      case "commit": {
        const send = () =>
          fetch(`${u}/api/models/${id}/commit/main`, {
            method: "POST",
            headers: { ...bearer(token), "content-type": "application/x-ndjson" },
            body: [header("matrix"), fileLine(`notes/${Math.random().toString(36).slice(2)}.txt`, "x")].map((l) => JSON.stringify(l)).join("\n"),
          });
        // Commits to one branch are made one at a time, as a user would.
        const run = (commitLocks.get(id) ?? Promise.resolve()).then(send, send);
        commitLocks.set(id, run.catch(() => {}));
        return run;
      }
      default:
        return undefined;
    }
  }

  /** What the listing and search surfaces say about `id`. */
  async function listed(surface: "listing" | "search", id: string, token: string | undefined): Promise<Outcome> {
    const query = surface === "listing" ? `author=${id.split("/")[0]}` : `search=${encodeURIComponent(id.split("/")[1]!)}`;
    const res = await fetch(`${hub.url}/api/models?${query}&limit=100`, { headers: bearer(token) });
    if (res.status === 401) return "bad token";
    assert.equal(res.status, 200);
    const ids = ((await res.json()) as { id: string }[]).map((m) => m.id);
    return ids.includes(id) ? "listed" : "unlisted";
  }

  /** What the git CLI reports for a clone (`--bare`: no LFS smudge) or a dry-run push: "ok" or the HTTP status it met. */
  async function gitOutcome(surface: "clone" | "push", id: string, token: string | undefined): Promise<{ result: string; stderr: string }> {
    return gitSlots(async () => {
      try {
        if (surface === "clone") {
          const dir = await mkdtemp(path.join(git.work, "clone-"));
          await git.run(["clone", "--bare", "--quiet", authUrl(hub.url, id, token), dir], git.work);
        } else {
          const branch = `matrix-${Math.random().toString(36).slice(2)}`;
          await git.run(["push", "--dry-run", "--quiet", authUrl(hub.url, id, token), `HEAD:refs/heads/${branch}`], pushSource);
        }
        return { result: "ok", stderr: "" };
      } catch (err) {
        const stderr = (err as { stderr: string }).stderr;
        return { result: gitStatus(stderr), stderr };
      }
    });
  }

  for (const principal of principals) {
    for (const ns of Object.keys(namespaces) as NamespaceKind[]) {
      for (const kind of repoKinds) {
        test(`${principal.name} on the ${kind} repo of ${ns === "user" ? "a user" : "an organization"}`, () =>
          checkCases(principal, principal.rights[ns], ns, kind));
      }
    }
  }

  /** Every surface of one repo for one caller, concurrently, each against the rules. */
  async function checkCases(principal: PrincipalRow, who: Rights, ns: NamespaceKind, kind: RepoKind): Promise<void> {
    const token = principal.token();
    const id = repoId(ns, kind);
    const missingId = repoId(ns, "missing");
    await Promise.all(
      surfaces.map(async (surface) => {
        const want = expected(who, kind, surface);
        const where = `${principal.name} × ${id} × ${surface}`;
        if (surface === "listing" || surface === "search") {
          assert.equal(await listed(surface, id, token), want, where);
          return;
        }
        if (surface === "clone" || surface === "push") {
          const got = await gitOutcome(surface, id, token);
          const wantGit = want === "ok" ? "ok" : String(statusOf(want, who, surface).status);
          assert.equal(got.result, wantGit, `${where}: ${got.stderr}`);
          if (want === "hidden") {
            // The same refusal, word for word, as for a repo that does not exist.
            const missing = await gitOutcome(surface, missingId, token);
            assert.equal(normalize(missing.stderr, missingId), normalize(got.stderr, id), `${where}: private vs missing`);
          }
          return;
        }
        const res = await httpRequest(surface, id, kind, token)!;
        const body = await res.text();
        const want2 = statusOf(want, who, surface);
        assert.equal(res.status, want2.status, `${where}: ${body.slice(0, 300)}`);
        if (want2.code) assert.equal(res.headers.get("x-error-code"), want2.code, where);
        if (want === "ok" && surface.startsWith("lfs-")) {
          // An allowed batch answers with an action for the object (a download, or an upload unless the store has it).
          const obj = (JSON.parse(body) as { objects: { actions?: object; error?: object }[] }).objects[0];
          assert.equal(obj?.error, undefined, `${where}: ${body}`);
          if (surface === "lfs-download") assert.ok(obj?.actions, where);
        }
        if (want === "hidden") {
          const missing = await httpRequest(surface, missingId, "missing", token)!;
          assert.equal(await fingerprint(missing, missingId), fingerprintOf(res, body, id), `${where}: private vs missing`);
        }
      }),
    );
  }

  test("GET /v1/models lists exactly the models each caller may run, by the same rules", async () => {
    for (const principal of principals) {
      const res = await fetch(`${hub.url}/v1/models`, { headers: bearer(principal.token()) });
      const bad = Object.values(principal.rights).some((r) => r.badToken);
      assert.equal(res.status, bad ? 401 : 200, principal.name);
      if (bad) continue;
      const ids = ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id).sort();
      const want = (Object.keys(namespaces) as NamespaceKind[])
        .flatMap((ns) => repoKinds.filter((kind) => expected(principal.rights[ns], kind, "inference") === "ok").map((kind) => repoId(ns, kind)))
        .sort();
      assert.deepEqual(ids, want, principal.name);
    }
  });

  test("the rules give every outcome somewhere in the table", () => {
    const seen = new Set<Outcome>();
    for (const p of principals) for (const who of Object.values(p.rights)) for (const kind of repoKinds) for (const s of surfaces) seen.add(expected(who, kind, s));
    assert.deepEqual([...seen].sort(), ["bad token", "denied", "gated", "hidden", "listed", "ok", "unlisted"]);
  });
});

/** The HTTP status a failed git command met, read from its message. */
function gitStatus(stderr: string): string {
  if (/Authentication failed|could not read Username|401/.test(stderr)) return "401";
  if (/403/.test(stderr)) return "403";
  if (/not found|404/.test(stderr)) return "404";
  return `unrecognised: ${stderr}`;
}

/** Replaces what legitimately differs between two answers: the repo id the caller sent, request ids, dates, temp folders. */
function normalize(text: string, id: string): string {
  return text
    .split(id)
    .join("<repo>")
    .replace(/"request_id":"[^"]*"/g, '"request_id":"…"')
    .replace(/\/tmp\/[^\s']+/g, "<tmp>");
}

function fingerprintOf(res: Response, body: string, id: string): string {
  const headers = [...res.headers]
    .filter(([k]) => !["x-request-id", "date", "keep-alive", "connection"].includes(k))
    .map(([k, v]) => [k, k === "content-length" ? "…" : normalize(v, id)]);
  return JSON.stringify({ status: res.status, headers: headers.sort(), body: normalize(body, id) });
}

async function fingerprint(res: Response, id: string): Promise<string> {
  return fingerprintOf(res, await res.text(), id);
}

/** Runs at most `n` of the given tasks at once. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    while (running >= n) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
