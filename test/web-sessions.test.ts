import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { whoAmI } from "@huggingface/hub";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { freshPostgresDatabase } from "./support/postgres.js";

/**
 * Web sessions over HTTP (docs/architecture.md, "Web app"): sign-up, sign-in,
 * the session cookie as a principal, CSRF, sign-out, and who may sign up.
 * The same tests run on SQLite and PostgreSQL.
 */
for (const backend of ["sqlite", "postgres"] as const) {
  describe(`web sessions (${backend})`, () => {
    let hub: TestHub;
    let drop = async () => {};

    before(async () => {
      let databaseUrl = "";
      if (backend === "postgres") ({ url: databaseUrl, drop } = await freshPostgresDatabase());
      hub = await startHub({ databaseUrl, allowSignup: "true" });
    });
    after(async () => {
      await hub.close();
      await drop();
    });

    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${hub.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    const cookieOf = (res: Response) => {
      const set = res.headers.get("set-cookie") ?? "";
      return { header: set, value: /modelport_session=([^;]*)/.exec(set)?.[1] ?? "" };
    };
    const session = async (cookie?: string) =>
      (await (await fetch(`${hub.url}/api/auth/session`, { headers: cookie ? { cookie: `modelport_session=${cookie}` } : {} })).json()) as {
        user: { name: string; fullname: string; isAdmin: boolean } | null;
        csrfToken: string | null;
        allowSignup: boolean;
      };

    test("the first account to sign up is an admin, signed in by an HttpOnly SameSite=Lax cookie", async () => {
      assert.deepEqual(await session(), { user: null, csrfToken: null, allowSignup: true });
      const res = await post("/api/auth/signup", { username: "root", password: "correct horse", fullname: "Root User" });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { user: { name: string; isAdmin: boolean }; csrfToken: string };
      assert.deepEqual(body.user, { name: "root", fullname: "Root User", isAdmin: true });
      const cookie = cookieOf(res);
      assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/);
      assert.match(cookie.header, /HttpOnly/);
      assert.match(cookie.header, /SameSite=Lax/);
      assert.match(cookie.header, /Path=\//);
      assert.doesNotMatch(cookie.header, /Secure/, "plain http: no Secure flag");
      const s = await session(cookie.value);
      assert.equal(s.user?.name, "root");
      assert.equal(s.csrfToken, body.csrfToken);
      // The second account is not an admin.
      const second = await post("/api/auth/signup", { username: "second", password: "another pass" });
      assert.equal(((await second.json()) as { user: { isAdmin: boolean } }).user.isAdmin, false);
    });

    test("only a hash of the session id is stored", async () => {
      const res = await post("/api/auth/login", { username: "root", password: "correct horse" });
      const { value } = cookieOf(res);
      const rows = await hub.hub.db.kysely.selectFrom("web_sessions").select(["id_hash", "csrf_token"]).execute();
      assert.ok(rows.length >= 1);
      for (const row of rows) {
        assert.notEqual(row.id_hash, value);
        assert.match(row.id_hash, /^[0-9a-f]{64}$/);
      }
    });

    test("sign-up validates its input and refuses a taken name", async () => {
      const cases: [unknown, number, RegExp][] = [
        [{ username: "bob", password: "short" }, 400, /at least 8/],
        [{ username: "bad name", password: "long enough" }, 400, /user name/],
        [{ username: "api", password: "long enough" }, 400, /reserved/],
        [{ username: "bob", password: "long enough", email: "not-an-email" }, 400, /email/],
        [{ password: "long enough" }, 400, /username/],
        [{ username: "root", password: "long enough" }, 409, /already exists/],
      ];
      for (const [body, status, message] of cases) {
        const res = await post("/api/auth/signup", body);
        assert.equal(res.status, status, JSON.stringify(body));
        assert.match(res.headers.get("x-error-message") ?? "", message);
      }
    });

    test("a session is the user's principal: whoami, repos, private repo access", async () => {
      const signup = await post("/api/auth/signup", { username: "carol", password: "carol's password" });
      const { value } = cookieOf(signup);
      const { csrfToken } = (await signup.json()) as { csrfToken: string };
      const me = await fetch(`${hub.url}/api/whoami-v2`, { headers: { cookie: `modelport_session=${value}` } });
      assert.equal(me.status, 200);
      const who = (await me.json()) as { name: string; auth: { accessToken: { displayName: string; role: string } } };
      assert.equal(who.name, "carol");
      assert.equal(who.auth.accessToken.displayName, "web session");
      assert.equal(who.auth.accessToken.role, "write");
      // A write with the cookie and the CSRF token works…
      const create = await post("/api/repos/create", { name: "carol/private-model", private: true }, { cookie: `modelport_session=${value}`, "x-csrf-token": csrfToken });
      assert.equal(create.status, 200, await create.clone().text());
      const info = await fetch(`${hub.url}/api/models/carol/private-model`, { headers: { cookie: `modelport_session=${value}` } });
      assert.equal(info.status, 200);
      // …and the private repo's page answers 200 for her, 404 for anyone else.
      assert.equal((await fetch(`${hub.url}/carol/private-model`, { headers: { cookie: `modelport_session=${value}` } })).status, 200);
      assert.equal((await fetch(`${hub.url}/carol/private-model`)).status, 404);
    });

    test("a mutating request signed in by cookie without the right X-CSRF-Token is 403 and changes nothing", async () => {
      const login = await post("/api/auth/login", { username: "carol", password: "carol's password" });
      const { value } = cookieOf(login);
      for (const headers of [{}, { "x-csrf-token": "wrong" }] as Record<string, string>[]) {
        const res = await post("/api/repos/create", { name: "carol/forged" }, { cookie: `modelport_session=${value}`, ...headers });
        assert.equal(res.status, 403);
        assert.match(res.headers.get("x-error-message") ?? "", /X-CSRF-Token/);
      }
      assert.equal((await fetch(`${hub.url}/api/models/carol/forged`, { headers: { cookie: `modelport_session=${value}` } })).status, 404);
      // Reads need no token.
      assert.equal((await fetch(`${hub.url}/api/whoami-v2`, { headers: { cookie: `modelport_session=${value}` } })).status, 200);
    });

    test("an Authorization header wins over the cookie (no CSRF token needed, the token's rights apply)", async () => {
      const login = await post("/api/auth/login", { username: "carol", password: "carol's password" });
      const { value } = cookieOf(login);
      const token = await hub.user("dave");
      const res = await post("/api/repos/create", { name: "dave/from-token" }, { cookie: `modelport_session=${value}`, authorization: `Bearer ${token}` });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { name: string }).name, "dave/from-token");
      const me = await whoAmI({ accessToken: token, hubUrl: hub.url });
      assert.equal(me.name, "dave");
    });

    test("sign-in: one message for a wrong password or an unknown user; the session works; sign-out ends it", async () => {
      for (const body of [{ username: "carol", password: "wrong password" }, { username: "nobody", password: "whatever1" }]) {
        const res = await post("/api/auth/login", body);
        assert.equal(res.status, 401);
        assert.equal(res.headers.get("x-error-message"), "Incorrect username or password");
        assert.equal(res.headers.get("set-cookie"), null);
      }
      const login = await post("/api/auth/login", { username: "carol", password: "carol's password" });
      assert.equal(login.status, 200);
      const { value } = cookieOf(login);
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      assert.equal((await session(value)).user?.name, "carol");
      // Sign-out needs the CSRF token too.
      assert.equal((await post("/api/auth/logout", {}, { cookie: `modelport_session=${value}` })).status, 403);
      const out = await post("/api/auth/logout", {}, { cookie: `modelport_session=${value}`, "x-csrf-token": csrfToken });
      assert.equal(out.status, 200);
      assert.match(out.headers.get("set-cookie") ?? "", /modelport_session=;.*Max-Age=0/);
      assert.equal((await session(value)).user, null, "the old cookie no longer signs in");
      assert.equal((await fetch(`${hub.url}/api/whoami-v2`, { headers: { cookie: `modelport_session=${value}` } })).status, 401);
    });

    test("expired sessions sign nobody in", async () => {
      const login = await post("/api/auth/signup", { username: "frank", password: "frank's password" });
      const { value } = cookieOf(login);
      await hub.hub.db.kysely.updateTable("web_sessions").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).execute();
      assert.equal((await session(value)).user, null);
    });
  });
}

describe("who may sign up", () => {
  test("default (`first`): only the first account, which becomes admin; then sign-up is closed", async () => {
    const hub = await startHub();
    try {
      const post = (body: unknown) =>
        fetch(`${hub.url}/api/auth/signup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const first = await post({ username: "boss", password: "boss password" });
      assert.equal(first.status, 200);
      assert.equal(((await first.json()) as { user: { isAdmin: boolean } }).user.isAdmin, true);
      const status = (await (await fetch(`${hub.url}/api/auth/session`)).json()) as { allowSignup: boolean };
      assert.equal(status.allowSignup, false);
      const second = await post({ username: "intruder", password: "intruder password" });
      assert.equal(second.status, 403);
      assert.match(second.headers.get("x-error-message") ?? "", /Sign-up is closed/);
    } finally {
      await hub.close();
    }
  });

  test("repeated failed sign-ins are refused with 429 and Retry-After, even with the right password", async () => {
    const hub = await startHub({ allowSignup: "true", authFailureLimit: 3 });
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${hub.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      assert.equal((await post("/api/auth/signup", { username: "erin", password: "erin's password" })).status, 200);
      for (let i = 0; i < 3; i++) assert.equal((await post("/api/auth/login", { username: "erin", password: `wrong guess ${i}` })).status, 401);
      const blocked = await post("/api/auth/login", { username: "erin", password: "erin's password" });
      assert.equal(blocked.status, 429);
      assert.ok(Number(blocked.headers.get("retry-after")) >= 1);
    } finally {
      await hub.close();
    }
  });

  test("`false`: nobody, not even the first", async () => {
    const hub = await startHub({ allowSignup: "false" });
    try {
      const res = await fetch(`${hub.url}/api/auth/signup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "boss", password: "boss password" }),
      });
      assert.equal(res.status, 403);
    } finally {
      await hub.close();
    }
  });

  test("`https` public URLs make the cookie Secure", async () => {
    const hub = await startHub({ allowSignup: "true", publicUrl: "https://hub.example.com" });
    try {
      await createRepo(hub, await hub.user("someone"), "x");
      const res = await fetch(`${hub.url}/api/auth/signup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "secure", password: "secure password" }),
      });
      assert.match(res.headers.get("set-cookie") ?? "", /; Secure/);
    } finally {
      await hub.close();
    }
  });
});
