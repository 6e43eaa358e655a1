import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { whoAmI } from "@huggingface/hub";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, newPage, screenshot, viewports } from "./support/browser.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";

/**
 * The web app's account, creation and upload pages in a real headless
 * Chromium against a real hub (needs the built app: `npm run build:web`).
 * Each step builds on the previous one, as a user would go: sign up, sign
 * out and in, make a token, create a repo, upload (one file through LFS
 * multipart), edit the card. Screenshots go to test-artifacts/screenshots/.
 */
describe("web app: accounts, tokens, new repo, upload, card editing", () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  const password = "ada's long password";
  const big = randomBytes(11 * 1024 * 1024);
  const small = randomBytes(100 * 1024);

  before(async () => {
    // A small multipart part size so the 11 MB file goes up in parts, as multi-GB files do by default.
    hub = await startHub({ allowSignup: "true", lfsMultipartChunkSize: 4 * 1024 * 1024 });
    browser = await launchBrowser();
    page = await newPage(browser, hub.url);
  });
  after(async () => {
    await browser?.close();
    await hub?.close();
  });

  const api = async (path: string, token?: string) => {
    const res = await fetch(`${hub.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: res.headers.get("content-type")?.includes("json") ? await res.json() : await res.text() };
  };

  test("sign up creates the account and signs in", async () => {
    await page.goto("/join");
    await page.getByLabel("Username").fill("ada");
    await page.getByLabel("Full name (optional)").fill("Ada Lovelace");
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByLabel("Confirm password").fill("not the same");
    await page.getByRole("button", { name: "Create account" }).click();
    // 1. Client-side checks catch the mismatch before anything is sent.
    await page.getByText("The passwords differ.").waitFor();
    await screenshot(page, "join-invalid");
    await page.getByLabel("Confirm password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    // 2. Signed in: the header shows the account menu instead of "Sign in".
    await page.getByRole("button", { name: "Account menu for ada" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/");
    const session = (await page.evaluate(() => fetch("/api/auth/session").then((r) => r.json()))) as { user: { name: string; isAdmin: boolean } };
    assert.deepEqual(session.user, { name: "ada", fullname: "Ada Lovelace", isAdmin: true });
  });

  test("sign out from the menu, a wrong password is refused, the right one signs in and returns to ?next", async () => {
    await page.getByRole("button", { name: "Account menu for ada" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("link", { name: "Sign in" }).waitFor();
    await page.goto("/login?next=/settings/tokens");
    await page.getByLabel("Username").fill("ada");
    await page.getByLabel("Password").fill("wrong password!");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("Incorrect username or password").waitFor();
    await screenshot(page, "login-error");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/settings/tokens");
  });

  let tokenValue = "";
  test("create a write token, shown once, that the Hub client accepts; then revoke it", async () => {
    await page.getByRole("heading", { name: "Access tokens" }).waitFor();
    await page.getByText("No access tokens yet").waitFor();
    await page.getByRole("button", { name: "New token" }).click();
    await page.getByLabel("Token name").fill("laptop");
    await page.getByLabel(/^Write/).check();
    await screenshot(page, "tokens-create");
    await page.getByRole("button", { name: "Create token" }).click();
    tokenValue = (await page.getByTestId("new-token").textContent()) ?? "";
    assert.match(tokenValue, /^hf_[A-Za-z0-9]{34}$/);
    await page.getByRole("cell", { name: "laptop", exact: true }).waitFor();
    await screenshot(page, "tokens-created");
    const me = await whoAmI({ accessToken: tokenValue, hubUrl: hub.url });
    assert.equal(me.name, "ada");
    assert.equal(me.auth.accessToken?.role, "write");
    // Revoking asks first, then the token stops working at once.
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Revoke token laptop" }).click();
    await page.getByText("No access tokens yet").waitFor();
    assert.equal((await api("/api/whoami-v2", tokenValue)).status, 401);
  });

  test("a fine-grained token with a scope picked in the form acts only within it", async () => {
    await page.goto("/settings/tokens");
    await page.getByRole("button", { name: "New token" }).click();
    await page.getByLabel("Token name").fill("ci read-only");
    await page.getByLabel(/^Fine-grained/).check();
    await page.getByLabel("Applies to").selectOption("user");
    await page.getByLabel("Name", { exact: true }).fill("ada");
    await page.getByLabel(/Read repos and files/).check();
    await page.getByLabel(/public gated repos you were given access to/).check();
    await screenshot(page, "tokens-fine-grained");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("new-token").textContent()) ?? "";
    const me = (await api("/api/whoami-v2", token)).body as {
      auth: { accessToken: { role: string; fineGrained?: { canReadGatedRepos: boolean; scoped: Array<{ entity: { name: string }; permissions: string[] }> } } };
    };
    assert.equal(me.auth.accessToken.role, "fineGrained");
    assert.equal(me.auth.accessToken.fineGrained?.canReadGatedRepos, true);
    assert.deepEqual(me.auth.accessToken.fineGrained?.scoped.map((s) => [s.entity.name, s.permissions]), [["ada", ["repo.content.read"]]]);
    await page.getByRole("cell", { name: /^ci read-only/ }).waitFor();
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Revoke token ci read-only" }).click();
    await page.getByText("No access tokens yet").waitFor();
  });

  test("keyboard only: sign in with Tab and Enter; the account menu opens with Enter and closes with Escape", async () => {
    const kb = await newPage(browser, hub.url);
    await kb.goto("/login");
    await kb.getByLabel("Username").focus();
    await kb.keyboard.type("ada");
    await kb.keyboard.press("Tab");
    await kb.keyboard.type(password);
    await kb.keyboard.press("Enter");
    const menuButton = kb.getByRole("button", { name: "Account menu for ada" });
    await menuButton.waitFor();
    await menuButton.focus();
    await kb.keyboard.press("Enter");
    await kb.getByRole("link", { name: "Access tokens" }).waitFor();
    assert.equal(await menuButton.getAttribute("aria-expanded"), "true");
    // A visible focus ring: the focused element has an outline.
    await kb.keyboard.press("Tab");
    const outline = await kb.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(outline, "none");
    await kb.keyboard.press("Escape");
    await kb.getByRole("link", { name: "Access tokens" }).waitFor({ state: "detached" });
    assert.equal(await menuButton.getAttribute("aria-expanded"), "false");
    await kb.context().close();
  });

  test("create a repo from /new and land on its page", async () => {
    await page.goto("/new");
    await page.getByLabel("Model name").fill("bad name!");
    await page.getByRole("button", { name: "Create model" }).click();
    await page.getByText(/Letters, digits/).waitFor();
    await page.getByLabel("Model name").fill("my-model");
    await screenshot(page, "new-repo");
    await page.getByRole("button", { name: "Create model" }).click();
    await page.waitForURL("**/ada/my-model");
    const info = await api("/api/models/ada/my-model");
    assert.equal(info.status, 200);
    assert.equal((info.body as { private: boolean }).private, false);
  });

  test("upload with the file picker: a regular file and an 11 MB file through LFS multipart, then see them listed", async () => {
    await page.goto("/ada/my-model/upload/main");
    await page.getByRole("button", { name: "Choose files" }).waitFor();
    await page.locator("#upload-picker").setInputFiles([
      { name: "config.json", mimeType: "application/json", buffer: Buffer.from('{"model_type": "llama"}\n') },
      { name: "weights.bin", mimeType: "application/octet-stream", buffer: big },
    ]);
    await page.getByText("2 files").waitFor();
    await page.getByLabel("Commit message").fill("Add weights and config");
    await screenshot(page, "upload-ready");
    const puts: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => void (r.method() === "PUT" && puts.push(new URL(r.url()).pathname));
    page.on("request", onRequest);
    await page.getByRole("button", { name: "Commit changes" }).click();
    await page.waitForURL("**/ada/my-model/tree/main", { timeout: 60_000 });
    page.off("request", onRequest);
    // 11 MB in 4 MiB parts: three signed part PUTs.
    assert.equal(puts.filter((p) => p.includes(".git/info/lfs/multipart/")).length, 3, puts.join(", "));
    await page.getByRole("link", { name: "weights.bin" }).first().waitFor();
    await screenshot(page, "upload-done-files");

    // The hub has what the browser sent: the big file as an LFS object with the right sha256, in one commit.
    const tree = (await api("/api/models/ada/my-model/tree/main")).body as Array<{ path: string; size: number; lfs?: { oid: string; size: number } }>;
    const weights = tree.find((e) => e.path === "weights.bin");
    assert.equal(weights?.lfs?.oid, createHash("sha256").update(big).digest("hex"));
    assert.equal(weights?.lfs?.size, big.length);
    assert.equal(tree.find((e) => e.path === "config.json")?.lfs, undefined);
    const download = await fetch(`${hub.url}/ada/my-model/resolve/main/weights.bin`);
    assert.equal(createHash("sha256").update(Buffer.from(await download.arrayBuffer())).digest("hex"), weights?.lfs?.oid);
    const commits = (await api("/api/models/ada/my-model/commits/main")).body as Array<{ title: string }>;
    assert.equal(commits[0]?.title, "Add weights and config");
  });

  test("upload by drag and drop into a folder: a small LFS file (single PUT) and a text file", async () => {
    await page.goto("/ada/my-model/upload/main");
    await page.getByLabel("Into folder").fill("extra");
    const smallB64 = small.toString("base64");
    // 1. A real drop event carrying files, as the browser builds it for a drag from the desktop.
    const data = await page.evaluateHandle((b64) => {
      const dt = new DataTransfer();
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], "adapter.safetensors", { type: "application/octet-stream" }));
      dt.items.add(new File(["some notes\n"], "notes.txt", { type: "text/plain" }));
      return dt;
    }, smallB64);
    await page.getByTestId("dropzone").dispatchEvent("dragover", { dataTransfer: data });
    await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer: data });
    await page.getByText("extra/adapter.safetensors").waitFor();
    const puts: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => void (r.method() === "PUT" && puts.push(new URL(r.url()).pathname));
    page.on("request", onRequest);
    await page.getByRole("button", { name: "Commit changes" }).click();
    await page.waitForURL("**/ada/my-model/tree/main/extra");
    page.off("request", onRequest);
    // Below the part size: one basic PUT of the whole object.
    assert.deepEqual(puts.map((p) => p.replace(/[0-9a-f]{64}/, "<oid>")), ["/ada/my-model.git/info/lfs/objects/<oid>"]);
    await page.getByRole("link", { name: "notes.txt" }).first().waitFor();
    const tree = (await api("/api/models/ada/my-model/tree/main/extra")).body as Array<{ path: string; lfs?: { oid: string } }>;
    assert.equal(tree.find((e) => e.path === "extra/adapter.safetensors")?.lfs?.oid, createHash("sha256").update(small).digest("hex"));
    assert.equal(await (await fetch(`${hub.url}/ada/my-model/resolve/main/extra/notes.txt`)).text(), "some notes\n");
  });

  test("edit the model card in the browser and commit it", async () => {
    await page.goto("/ada/my-model/edit/main/README.md");
    const editor = page.getByLabel("Content of README.md");
    await editor.waitFor();
    const card = "---\nlicense: mit\ntags:\n- demo\n---\n\n# My model\n\nTrained by Ada. Ünïcödé works too.\n";
    await editor.fill(card);
    await page.getByRole("tab", { name: "Preview" }).click();
    await page.getByRole("heading", { name: "My model" }).waitFor();
    await screenshot(page, "edit-card-preview");
    await page.getByRole("tab", { name: "Edit" }).click();
    await page.getByLabel("Commit message").fill("Write the model card");
    await page.getByRole("button", { name: "Commit changes" }).click();
    await page.waitForURL((url) => url.pathname === "/ada/my-model");
    assert.equal(await (await fetch(`${hub.url}/ada/my-model/resolve/main/README.md`)).text(), card);
    const info = (await api("/api/models/ada/my-model")).body as { cardData?: { license?: string } };
    assert.equal(info.cardData?.license, "mit");
  });

  test("the profile lists the user's repos", async () => {
    await page.goto("/ada");
    await page.getByRole("heading", { name: "Ada Lovelace" }).waitFor();
    await page.getByRole("link", { name: /ada\/my-model/ }).waitFor();
    await screenshot(page, "profile");
  });

  test("another user's private repo is a 404 page, with HTTP 404, for a signed-in non-admin and for anonymous", async () => {
    const bob = await hub.user("bob");
    await createRepo(hub, bob, "secret", { private: true });
    // Ada is the hub's first account, so an admin: she sees it.
    assert.equal((await page.goto("/bob/secret"))?.status(), 200);
    // Carol, a plain user signed in with her own session, does not.
    const carol = await newPage(browser, hub.url);
    await carol.goto("/join");
    await carol.getByLabel("Username").fill("carol");
    await carol.getByLabel("Password", { exact: true }).fill("carol's password");
    await carol.getByLabel("Confirm password").fill("carol's password");
    await carol.getByRole("button", { name: "Create account" }).click();
    await carol.getByRole("button", { name: "Account menu for carol" }).waitFor();
    const res = await carol.goto("/bob/secret");
    assert.equal(res?.status(), 404);
    await carol.getByText("404").first().waitFor();
    await carol.getByRole("heading", { name: /can't find/ }).waitFor();
    await screenshot(carol, "not-found-private");
    await carol.context().close();
    const anonymous = await newPage(browser, hub.url);
    const res2 = await anonymous.goto("/bob/secret/upload/main");
    assert.equal(res2?.status(), 404);
    await anonymous.getByText(/Sign in/).first().waitFor();
    await anonymous.context().close();
  });

  test("pages fit a phone (375 px): no horizontal scrolling", async () => {
    const context = page.context();
    const cookies = await context.cookies();
    const phone = await newPage(browser, hub.url, viewports.phone);
    await phone.context().addCookies(cookies);
    for (const [path, name] of [
      ["/login", "login"],
      ["/join", "join"],
      ["/settings/tokens", "tokens"],
      ["/new", "new-repo"],
      ["/ada/my-model/upload/main", "upload"],
      ["/ada/my-model/edit/main/README.md", "edit-card"],
      ["/ada", "profile"],
      ["/bob/secret", "not-found"],
    ] as const) {
      await phone.goto(path);
      await phone.locator("main h1, main h2").first().waitFor();
      await phone.waitForLoadState("networkidle");
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at 375px`);
      await screenshot(phone, `phone-${name}`);
    }
    await phone.context().close();
  });
});
