import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { addOrgMember, api, createOrg, createRepo, startHub, type TestHub } from "./support/hub.js";
import { RateLimiter } from "../src/lib/rate-limiter.js";

interface Event {
  id: number;
  actor: string | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
  ip: string | null;
}

describe("audit log", () => {
  let hub: TestHub;
  let admin: string;
  let alice: string;

  before(async () => {
    hub = await startHub();
    admin = await hub.user("root", { admin: true });
    alice = await hub.user("alice");
    await hub.user("bob");
  });
  after(() => hub.close());

  const events = async (query = "") => (await (await api(hub, "GET", `/api/admin/audit-log${query}`, admin)).json()) as Event[];

  test("security events are recorded with actor, target and details", async () => {
    // Tokens.
    const created = (await (await api(hub, "POST", "/api/settings/tokens", alice, { name: "ci", role: "read" })).json()) as { id: number };
    assert.equal((await api(hub, "DELETE", `/api/settings/tokens/${created.id}`, alice)).status, 200);
    // Visibility, move, delete.
    await createRepo(hub, alice, "m1");
    assert.equal((await api(hub, "PUT", "/api/models/alice/m1/settings", alice, { private: true })).status, 200);
    assert.equal((await api(hub, "POST", "/api/repos/move", alice, { fromRepo: "alice/m1", toRepo: "alice/m2", type: "model" })).status, 200);
    assert.equal((await api(hub, "DELETE", "/api/repos/delete", alice, { name: "m2", organization: "alice", type: "model" })).status, 200);
    // Org members.
    await createOrg(hub, alice, "acme");
    await addOrgMember(hub, alice, "acme", "bob", "read");
    assert.equal((await api(hub, "PUT", "/api/organizations/acme/members/bob/role", alice, { role: "write" })).status, 200);
    assert.equal((await api(hub, "DELETE", "/api/organizations/acme/members/bob", alice)).status, 200);

    const log = await events();
    // Oldest first; the test users' tokens (made through the service, like the CLI) are logged with no actor.
    assert.ok(log.some((e) => e.action === "token.create" && e.target === "bob/write token" && e.actor === null));
    assert.deepEqual(log.filter((e) => e.actor === "alice").map((e) => [e.action, e.target]).reverse(), [
      ["token.create", "alice/ci"],
      ["token.revoke", "alice/ci"],
      ["repo.visibility", "model/alice/m1"],
      ["repo.move", "model/alice/m1"],
      ["repo.delete", "model/alice/m2"],
      ["org.create", "acme"],
      ["org.member.add", "acme"],
      ["org.member.role", "acme"],
      ["org.member.remove", "acme"],
    ]);
    const role = log.find((e) => e.action === "org.member.role")!;
    assert.deepEqual(role.details, { user: "bob", from: "read", to: "write" });
    assert.equal(log.find((e) => e.action === "repo.move")!.details.to, "alice/m2");
    assert.equal(log.find((e) => e.action === "token.create")!.ip, "127.0.0.1");
    // The secret never reaches the log.
    assert.ok(!JSON.stringify(log).includes("hf_"));
  });

  test("only admins read it; pages follow through Link and filter by action", async () => {
    assert.equal((await api(hub, "GET", "/api/admin/audit-log", alice)).status, 403);
    assert.equal((await api(hub, "GET", "/api/admin/audit-log")).status, 401);
    const adminRead = await hub.token("root", "read");
    assert.equal((await api(hub, "GET", "/api/admin/audit-log", adminRead)).status, 403);
    assert.equal((await api(hub, "GET", "/api/admin/audit-log?limit=0", admin)).status, 400);
    const first = await api(hub, "GET", "/api/admin/audit-log?limit=2", admin);
    const page1 = (await first.json()) as Event[];
    assert.equal(page1.length, 2);
    const link = first.headers.get("link");
    assert.match(link ?? "", /^<http:\/\/127\.0\.0\.1:\d+\/api\/admin\/audit-log\?limit=2&cursor=\d+>; rel="next"$/);
    const page2 = (await (await fetch(link!.slice(1, link!.indexOf(">")), { headers: { authorization: `Bearer ${admin}` } })).json()) as Event[];
    assert.ok(page2[0]!.id < page1[1]!.id);
    const onlyOrg = await events("?action=org.create");
    assert.deepEqual(onlyOrg.map((e) => e.action), ["org.create"]);
  });
});

describe("abuse limits", () => {
  let hub: TestHub;
  let alice: string;

  before(async () => {
    hub = await startHub({ authFailureLimit: 3 });
    alice = await hub.user("alice");
  });
  after(() => hub.close());

  test("token guessing: after the allowance of bad tokens an IP gets 429 with Retry-After, even with a good token", async () => {
    for (let i = 0; i < 3; i++) assert.equal((await api(hub, "GET", "/api/whoami-v2", `hf_guess${i}`)).status, 401);
    const limited = await api(hub, "GET", "/api/whoami-v2", "hf_guess_more");
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    assert.match(limited.headers.get("x-error-message") ?? "", /Too many failed authentication attempts/);
    assert.deepEqual(await limited.json(), { error: "Too many failed authentication attempts; try again later" });
    assert.equal((await api(hub, "GET", "/api/whoami-v2", alice)).status, 429);
    // Git hears it too, as plain text.
    assert.equal((await api(hub, "GET", "/alice/x.git/info/refs?service=git-upload-pack", alice)).status, 429);
    // Anonymous reads need no token lookup and are not held up.
    assert.equal((await api(hub, "GET", "/api/models")).status, 200);
  });

  test("writes beyond the per-token allowance get 429 with Retry-After; reads do not count", async () => {
    // A hub of its own: this one's IP is held up by the guessing above.
    const own = await startHub({ writeRateLimit: 4 });
    try {
      const token = await own.user("wendy");
      for (let i = 0; i < 4; i++) assert.equal((await api(own, "POST", "/api/repos/create", token, { name: `r${i}`, type: "model" })).status, 200);
      const limited = await api(own, "POST", "/api/repos/create", token, { name: "r4", type: "model" });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get("retry-after")) >= 1);
      assert.match(limited.headers.get("x-error-message") ?? "", /Too many write requests/);
      for (let i = 0; i < 10; i++) assert.equal((await api(own, "GET", "/api/models/wendy/r0", token)).status, 200);
      const other = await own.token("wendy", "write");
      assert.equal((await api(own, "POST", "/api/repos/create", other, { name: "r5", type: "model" })).status, 200);
    } finally {
      await own.close();
    }
  });

  test("sign-ups from one address are limited like failed authentications", async () => {
    const own = await startHub({ authFailureLimit: 3, allowSignup: "true" });
    try {
      const signUp = (n: number) =>
        fetch(`${own.url}/api/auth/signup`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: `spam${n}`, password: "long enough password" }),
        });
      for (let i = 0; i < 3; i++) assert.equal((await signUp(i)).status, 200);
      const limited = await signUp(3);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get("retry-after")) >= 1);
      assert.match(limited.headers.get("x-error-message") ?? "", /Too many sign-ups/);
    } finally {
      await own.close();
    }
  });

  test("a JSON body over the limit is refused with 413 and the error headers", async () => {
    const own = await startHub({ maxJsonBodySize: 2048 });
    try {
      const token = await own.user("bea");
      const big = JSON.stringify({ name: "x", type: "model", padding: "p".repeat(4096) });
      const res = await api(own, "POST", "/api/repos/create", token, big);
      assert.equal(res.status, 413);
      assert.ok(res.headers.get("x-error-message"));
      assert.equal((await api(own, "POST", "/api/repos/create", token, { name: "small", type: "model" })).status, 200);
    } finally {
      await own.close();
    }
  });
});

test("RateLimiter: a burst up to the limit, then one more per limit/window, and 0 turns it off", () => {
  let now = 0;
  const limiter = new RateLimiter({ limit: 2, windowMs: 60_000, now: () => now });
  assert.equal(limiter.hit("k"), 0);
  assert.equal(limiter.hit("k"), 0);
  assert.equal(limiter.hit("k"), 30); // one comes back every 30 s
  assert.equal(limiter.wait("other"), 0);
  now += 30_000;
  assert.equal(limiter.wait("k"), 0);
  assert.equal(limiter.hit("k"), 0);
  assert.equal(limiter.hit("k"), 30);
  const off = new RateLimiter({ limit: 0, windowMs: 60_000 });
  for (let i = 0; i < 100; i++) assert.equal(off.hit("k"), 0);
});
