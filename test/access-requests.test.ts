import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { downloadFile, HubApiError, uploadFiles } from "@huggingface/hub";
import { authUrl, GitCli } from "./support/git-cli.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { freshPostgresDatabase } from "./support/postgres.js";

/** The card of the gated test repos: a custom form, as huggingface.co's `extra_gated_*` metadata declares one. */
const card = `---
license: other
extra_gated_heading: Ask for the weights
extra_gated_prompt: Tell us who you are.
extra_gated_button_content: Send my request
extra_gated_fields:
  Company: text
  Country: country
  Use:
    type: select
    options:
      - research
      - label: Commercial
        value: commercial
  I agree to the licence: checkbox
---
# A gated model
`;
const answers = { Company: "Acme", Country: "France", Use: "research", "I agree to the licence": true };
const weights = Buffer.from("gated weights ".repeat(100));

/**
 * Gated repos with access requests, end to end (hf-hub-protocol.md §10): the
 * requester uses `@huggingface/hub` and git, the owner the Hub's
 * `user-access-request` endpoints as huggingface_hub sends them. Runs on SQLite
 * and (the HTTP parts) PostgreSQL.
 */
function describeGating(backend: "sqlite" | "postgres"): void {
  describe(`gated repos and access requests (${backend})`, () => {
    let hub: TestHub;
    let drop: (() => Promise<void>) | undefined;
    let git: GitCli | undefined;
    let alice: string;
    let aliceRead: string;
    let bob: string;
    let carol: string;
    let dave: string;
    let root: string;
    const onceOnly = backend === "sqlite" ? test : () => {};

    before(async () => {
      let databaseUrl = "";
      if (backend === "postgres") ({ url: databaseUrl, drop } = await freshPostgresDatabase());
      hub = await startHub({ databaseUrl });
      if (backend === "sqlite") git = await GitCli.create();
      alice = await hub.user("alice");
      aliceRead = await hub.token("alice", "read");
      bob = await hub.user("bob");
      carol = await hub.user("carol");
      dave = await hub.user("dave");
      root = await hub.user("root", { admin: true });
      await Promise.all(
        [["manual", "manual"], ["auto", "auto"], ["plain", false], ["strict", "manual"]].map(async ([name, gated]) => {
          await createRepo(hub, alice, name as string);
          await uploadFiles({
            repo: `alice/${name}`,
            accessToken: alice,
            hubUrl: hub.url,
            files: [
              { path: "README.md", content: new Blob([card]) },
              { path: "weights.bin", content: new Blob([weights]) },
              { path: "config.json", content: new Blob(['{"a": 1}']) },
            ],
          });
          const res = await send("PUT", `/api/models/alice/${name}/settings`, alice, { gated });
          assert.equal(res.status, 200);
        }),
      );
      await createRepo(hub, alice, "hidden", { private: true });
    });
    after(async () => {
      await hub.close();
      await git?.dispose();
      await drop?.();
    });

    const send = (method: string, url: string, token: string | undefined, body?: unknown) =>
      fetch(`${hub.url}${url}`, {
        method,
        headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    const ask = (repo: string, token: string | undefined, fields: unknown = answers) => send("POST", `/api/models/${repo}/ask-access`, token, { fields });
    const handle = (repo: string, token: string, body: unknown) => send("POST", `/api/models/${repo}/user-access-request/handle`, token, body);
    const requests = async (repo: string, status: string) => {
      const res = await send("GET", `/api/models/${repo}/user-access-request/${status}`, alice);
      assert.equal(res.status, 200);
      return (await res.json()) as { user: { user: string; fullname: string; email: string | null }; status: string; timestamp: string; fields: object; rejectionReason?: string }[];
    };
    /** The requester's download of an LFS file with the official client: its text, or the status it was refused with. */
    const download = async (repo: string, token: string | undefined, file = "weights.bin") => {
      try {
        const blob = await downloadFile({ repo, path: file, hubUrl: hub.url, ...(token ? { accessToken: token } : {}) });
        return blob ? await blob.text() : "missing";
      } catch (err) {
        if (err instanceof HubApiError) return err.statusCode;
        throw err;
      }
    };
    const gatedCode = async (repo: string, token: string | undefined) => {
      const res = await send("GET", `/alice/${repo.split("/")[1]}/resolve/main/weights.bin`, token);
      await res.arrayBuffer();
      return `${res.status} ${res.headers.get("x-error-code")}`;
    };

    test("the gate form is read from the card's extra_gated_* metadata, for anyone who can see the repo", async () => {
      const res = await send("GET", "/api/models/alice/manual/gate", undefined);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {
        gated: "manual",
        status: "none",
        hasAccess: false,
        heading: "Ask for the weights",
        prompt: "Tell us who you are.",
        description: null,
        buttonContent: "Send my request",
        fields: [
          { name: "Company", type: "text" },
          { name: "Country", type: "country" },
          { name: "Use", type: "select", options: ["research", "commercial"] },
          { name: "I agree to the licence", type: "checkbox" },
        ],
      });
      const owner = (await (await send("GET", "/api/models/alice/manual/gate", alice)).json()) as { hasAccess: boolean };
      assert.equal(owner.hasAccess, true);
      const hidden = await send("GET", "/api/models/alice/hidden/gate", bob);
      assert.equal(hidden.status, 404);
      assert.equal(hidden.headers.get("x-error-code"), "RepoNotFound");
    });

    test("manual gating: refused, request, owner accepts, allowed, revoke, refused again", async () => {
      // 1. Before asking: the files are refused (401 anonymous, 403 signed in, GatedRepo); the card is not.
      assert.equal(await download("alice/manual", undefined), 401);
      assert.equal(await download("alice/manual", bob), 403);
      assert.equal(await gatedCode("alice/manual", bob), "403 GatedRepo");
      assert.equal(await download("alice/manual", undefined, "README.md"), card);
      assert.match(await download("alice/manual", bob, ".gitattributes") as string, /\*\.bin filter=lfs/);
      assert.equal((await send("GET", "/alice/manual/raw/main/README.md", undefined)).status, 401, "/raw stays gated");

      // 2. Bob asks with the form's answers: the request waits, the files stay closed.
      const asked = await ask("alice/manual", bob);
      assert.equal(asked.status, 200);
      assert.deepEqual(((await asked.json()) as { status: string; hasAccess: boolean }), { ...(await gateOf("alice/manual", bob)), status: "pending", hasAccess: false });
      assert.equal(await download("alice/manual", bob), 403);

      // 3. The owner lists pending requests, with the answers and the requester's identity.
      const pending = await requests("alice/manual", "pending");
      assert.deepEqual(pending.map((r) => [r.user.user, r.user.fullname, r.user.email, r.status, r.fields]), [["bob", "bob", null, "pending", answers]]);
      assert.ok(!Number.isNaN(Date.parse(pending[0]!.timestamp)));
      assert.deepEqual(await requests("alice/manual", "accepted"), []);

      // 4. The owner accepts: the official client downloads the LFS file.
      const accepted = await handle("alice/manual", alice, { user: "bob", status: "accepted" });
      assert.equal(accepted.status, 200);
      assert.deepEqual(await accepted.json(), {});
      assert.equal(await download("alice/manual", bob), weights.toString());
      assert.deepEqual((await requests("alice/manual", "accepted")).map((r) => r.user.user), ["bob"]);
      assert.deepEqual(await requests("alice/manual", "pending"), []);

      // 5. Revoked (rejected with a reason): closed again at once.
      assert.equal((await handle("alice/manual", alice, { user: "bob", status: "rejected", rejectionReason: "not this time" })).status, 200);
      assert.equal(await download("alice/manual", bob), 403);
      assert.deepEqual((await requests("alice/manual", "rejected")).map((r) => [r.user.user, r.rejectionReason]), [["bob", "not this time"]]);
      // Asking again does not reopen a rejected request.
      assert.equal(((await (await ask("alice/manual", bob)).json()) as { status: string }).status, "rejected");
      assert.equal(await download("alice/manual", bob), 403);

      // 6. Cancelled (back to pending), then granted: open; granting twice is a 400.
      assert.equal((await handle("alice/manual", alice, { user: "bob", status: "pending" })).status, 200);
      assert.equal(await download("alice/manual", bob), 403);
      assert.equal((await send("POST", "/api/models/alice/manual/user-access-request/grant", alice, { user: "bob" })).status, 200);
      assert.equal(await download("alice/manual", bob), weights.toString());
      assert.equal((await send("POST", "/api/models/alice/manual/user-access-request/grant", alice, { user: "bob" })).status, 400);
    });

    test("requests and decisions are in the audit log, with who decided", async () => {
      const events = async (action: string) => {
        const res = await send("GET", `/api/admin/audit-log?action=${action}&limit=1000`, root);
        assert.equal(res.status, 200);
        return ((await res.json()) as { actor: string; action: string; target: string; details: { user: string; status: string; rejectReason?: string } }[])
          .filter((e) => e.target === "model/alice/manual")
          .map((e) => [e.actor, e.details.user, e.details.status, e.details.rejectReason ?? null]);
      };
      // Newest first: the manual flow above asked, accepted, rejected, re-pended and granted.
      assert.deepEqual(await events("access.request"), [["bob", "bob", "pending", null]]);
      assert.deepEqual(await events("access.grant"), [["alice", "bob", "accepted", null], ["alice", "bob", "accepted", null]]);
      assert.deepEqual(await events("access.revoke"), [["alice", "bob", "pending", null], ["alice", "bob", "rejected", "not this time"]]);
    });

    test("auto gating accepts a request at once", async () => {
      assert.equal(await download("alice/auto", carol), 403);
      const res = await ask("alice/auto", carol);
      assert.equal(((await res.json()) as { status: string; hasAccess: boolean }).hasAccess, true);
      assert.equal(await download("alice/auto", carol), weights.toString());
      assert.deepEqual((await requests("alice/auto", "accepted")).map((r) => r.user.user), ["carol"]);
      // The owner can still revoke it.
      assert.equal((await handle("alice/auto", alice, { user: "carol", status: "rejected" })).status, 200);
      assert.equal(await download("alice/auto", carol), 403);
    });

    onceOnly("git clone of a gated repo is refused whole until access is granted, then brings the LFS files", async () => {
      const clone = async (token: string) => {
        const dir = await mkdtemp(path.join(git!.work, "gated-"));
        await git!.run(["clone", "--quiet", authUrl(hub.url, "alice/strict", token), dir], git!.work);
        return dir;
      };
      await assert.rejects(clone(dave), /GatedRepo|403|restricted/);
      assert.equal((await ask("alice/strict", dave)).status, 200);
      await assert.rejects(clone(dave), /GatedRepo|403|restricted/, "pending is not access");
      assert.equal((await handle("alice/strict", alice, { user: "dave", status: "accepted" })).status, 200);
      const dir = await clone(dave);
      assert.deepEqual(await readFile(path.join(dir, "weights.bin")), weights, "the LFS file is smudged to its content");
      assert.equal(await readFile(path.join(dir, "README.md"), "utf8"), card);
      // Revoked: the next clone is refused again.
      assert.equal((await handle("alice/strict", alice, { user: "dave", status: "pending" })).status, 200);
      await assert.rejects(clone(dave), /GatedRepo|403|restricted/);
    });

    onceOnly("asking checks the form: every field answered, checkboxes ticked, selects in their options, nothing unknown", async () => {
      for (const fields of [
        {},
        { ...answers, Company: "" },
        { ...answers, "I agree to the licence": false },
        { ...answers, Use: "weapons" },
        { ...answers, Extra: "x" },
        "not an object",
      ]) {
        const res = await ask("alice/manual", dave, fields);
        assert.equal(res.status, 400, JSON.stringify(fields));
        assert.ok(res.headers.get("x-error-message"));
      }
      assert.equal(((await (await send("GET", "/api/models/alice/manual/gate", dave)).json()) as { status: string }).status, "none");
      assert.equal((await ask("alice/manual", undefined)).status, 401);
      assert.equal((await ask("alice/plain", dave)).status, 400, "not gated");
      const hidden = await ask("alice/hidden", dave);
      assert.equal(hidden.status, 404);
      assert.equal(hidden.headers.get("x-error-code"), "RepoNotFound");
    });

    onceOnly("only those who may write the repo see and decide requests; bad input is a 400, unknown users a 404", async () => {
      assert.equal((await send("GET", "/api/models/alice/manual/user-access-request/pending", bob)).status, 403);
      assert.equal((await send("GET", "/api/models/alice/manual/user-access-request/pending", aliceRead)).status, 403);
      assert.equal((await send("GET", "/api/models/alice/manual/user-access-request/pending", undefined)).status, 401);
      assert.equal((await handle("alice/manual", bob, { user: "bob", status: "accepted" })).status, 403);
      assert.equal((await send("GET", "/api/models/alice/hidden/user-access-request/pending", bob)).status, 404);
      assert.equal((await send("GET", "/api/models/alice/manual/user-access-request/maybe", alice)).status, 400);
      assert.equal((await send("GET", "/api/models/alice/plain/user-access-request/pending", alice)).status, 403, "not gated (as the Hub)");
      assert.equal((await handle("alice/plain", alice, { user: "bob", status: "accepted" })).status, 400, "not gated");
      assert.equal((await handle("alice/manual", alice, { user: "bob", status: "maybe" })).status, 400);
      assert.equal((await handle("alice/manual", alice, { status: "accepted" })).status, 400);
      assert.equal((await handle("alice/manual", alice, { user: "bob", status: "accepted", rejectionReason: "x" })).status, 400);
      assert.equal((await handle("alice/manual", alice, { user: "bob", status: "rejected", rejectionReason: "x".repeat(201) })).status, 400);
      assert.equal((await handle("alice/manual", alice, { user: "nobody", status: "accepted" })).status, 404);
      assert.equal((await handle("alice/manual", alice, { user: "carol", status: "accepted" })).status, 404, "carol never asked here");
      assert.equal((await send("POST", "/api/models/alice/manual/user-access-request/grant", alice, { user: "nobody" })).status, 404);
    });

    onceOnly("the request lists page with Link", async () => {
      await createRepo(hub, alice, "paged");
      assert.equal((await send("PUT", "/api/models/alice/paged/settings", alice, { gated: "manual" })).status, 200);
      for (const name of ["p1", "p2", "p3"]) {
        const token = await hub.user(name);
        assert.equal((await ask("alice/paged", token, {})).status, 200);
      }
      const first = await send("GET", "/api/models/alice/paged/user-access-request/pending?limit=2", alice);
      assert.deepEqual(((await first.json()) as { user: { user: string } }[]).map((r) => r.user.user), ["p1", "p2"]);
      const next = /<([^>]+)>; rel="next"/.exec(first.headers.get("link") ?? "")?.[1];
      assert.ok(next);
      const second = await fetch(next, { headers: { authorization: `Bearer ${alice}` } });
      assert.deepEqual(((await second.json()) as { user: { user: string } }[]).map((r) => r.user.user), ["p3"]);
      assert.equal(second.headers.get("link"), null);
    });

    onceOnly("LFS download links close with the access they were issued under: rejected requests and revoked tokens", async () => {
      const erin = await hub.user("erin");
      const oid = createHash("sha256").update(weights).digest("hex");
      /** The download link the LFS batch API hands `token` for weights.bin. */
      const link = async (repo: string, token: string) => {
        const res = await fetch(`${hub.url}/${repo}.git/info/lfs/objects/batch`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/vnd.git-lfs+json", accept: "application/vnd.git-lfs+json" },
          body: JSON.stringify({ operation: "download", objects: [{ oid, size: weights.length }] }),
        });
        assert.equal(res.status, 200);
        const body = (await res.json()) as { objects: { actions: { download: { href: string } } }[] };
        return body.objects[0]!.actions.download.href;
      };
      const fetchLink = async (href: string) => {
        const res = await fetch(href);
        await res.arrayBuffer();
        return `${res.status} ${res.headers.get("x-error-code") ?? ""}`.trim();
      };
      assert.equal((await ask("alice/auto", erin)).status, 200);
      const href = await link("alice/auto", erin);
      assert.equal(await fetchLink(href), "200");
      // Tampering with who the link was issued to breaks its signature.
      assert.equal(await fetchLink(href.replace(/by=t\d+/, "by=a")), "401");
      assert.equal((await handle("alice/auto", alice, { user: "erin", status: "rejected" })).status, 200);
      assert.equal(await fetchLink(href), "403 GatedRepo");

      assert.equal((await send("POST", "/api/models/alice/auto/user-access-request/grant", alice, { user: "erin" })).status, 200);
      const extra = await send("POST", "/api/settings/tokens", erin, { name: "short-lived", role: "read" });
      const { id, token } = (await extra.json()) as { id: number; token: string };
      const tokenHref = await link("alice/auto", token);
      assert.equal(await fetchLink(tokenHref), "200");
      assert.equal((await send("DELETE", `/api/settings/tokens/${id}`, erin)).status, 200);
      assert.equal(await fetchLink(tokenHref), "401");
      // Links to public, ungated repos need no such check.
      const plain = await link("alice/plain", erin);
      assert.equal(await fetchLink(plain), "200");
    });

    onceOnly("a fine-grained token reads gated repos its user was let into only when made with canReadGatedRepos", async () => {
      const frank = await hub.user("frank");
      const fineGrained = async (canReadGatedRepos?: boolean) => {
        const res = await send("POST", "/api/settings/tokens", frank, {
          name: `fg-${canReadGatedRepos}`,
          role: "fineGrained",
          scoped: [{ entity: { type: "user", name: "frank" }, permissions: ["repo.content.read"] }],
          ...(canReadGatedRepos === undefined ? {} : { canReadGatedRepos }),
        });
        assert.equal(res.status, 200);
        return ((await res.json()) as { token: string }).token;
      };
      const plain = await fineGrained();
      const gatedReader = await fineGrained(true);
      assert.equal((await ask("alice/auto", frank)).status, 200);
      assert.equal(await download("alice/auto", frank), weights.toString());
      assert.equal(await download("alice/auto", plain), 403);
      assert.equal(await download("alice/auto", gatedReader), weights.toString());
      // whoami-v2 says what each may do; the flag is refused on classic tokens.
      const whoami = async (token: string) =>
        ((await (await send("GET", "/api/whoami-v2", token)).json()) as { auth: { accessToken: { fineGrained: { canReadGatedRepos: boolean } } } }).auth.accessToken.fineGrained.canReadGatedRepos;
      assert.equal(await whoami(plain), false);
      assert.equal(await whoami(gatedReader), true);
      assert.equal((await send("POST", "/api/settings/tokens", frank, { name: "x", role: "read", canReadGatedRepos: true })).status, 400);
      // Still only what the user may: after a rejection the flag opens nothing.
      assert.equal((await handle("alice/auto", alice, { user: "frank", status: "rejected" })).status, 200);
      assert.equal(await download("alice/auto", gatedReader), 403);
    });

    async function gateOf(repo: string, token: string) {
      return (await (await send("GET", `/api/models/${repo}/gate`, token)).json()) as Record<string, unknown>;
    }
  });
}

describeGating("sqlite");
describeGating("postgres");
