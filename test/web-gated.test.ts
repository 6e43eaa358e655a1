import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, newContext, screenshot, viewports } from "./support/browser.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { fileLine, header, postCommit } from "./support/hub-write.js";

/**
 * The web app's management pages in real headless Chromium against a real
 * hub: a gated repo's request form, the repo's Settings tab (gating, access
 * requests), organizations (create, members) and the admin audit log. Needs
 * `dist/web`: run `npx vite build -c web/vite.config.ts` first.
 */
const card = `---
license: other
extra_gated_heading: Request access to the gated demo
extra_gated_prompt: The authors want to know who uses this model.
extra_gated_fields:
  Company: text
  Country: country
  Intended use:
    type: select
    options:
      - Research
      - Education
  Date of request: date_picker
  I agree to use this model for non-commercial use only: checkbox
---
# Gated demo

A model behind a gate.
`;

describe("web app: gated repos, repo settings, organizations, audit log", () => {
  let hub: TestHub;
  let browser: Browser;
  let owner: BrowserContext;
  let visitor: BrowserContext;
  let ownerToken: string;
  const repo = "olivia/gated-demo";

  async function page(context: BrowserContext, size?: { width: number; height: number }): Promise<Page> {
    const p = await context.newPage();
    if (size) await p.setViewportSize(size);
    p.on("pageerror", (err) => console.error(`[browser] page error: ${err.message}`));
    return p;
  }
  const gateOf = async (context: BrowserContext) =>
    (await (await context.request.get(`/api/models/${repo}/gate`)).json()) as { status: string; hasAccess: boolean };

  before(async () => {
    hub = await startHub({ allowSignup: "true" });
    browser = await launchBrowser();
    // The first account is the hub's admin: the owner. The visitor signs up after.
    owner = await newContext(browser, hub.url);
    const a = await owner.request.post("/api/auth/signup", { data: { username: "olivia", password: "owner's password" } });
    assert.equal(a.status(), 200, await a.text());
    visitor = await newContext(browser, hub.url);
    const b = await visitor.request.post("/api/auth/signup", { data: { username: "ursula", password: "visitor's password", fullname: "Ursula User" } });
    assert.equal(b.status(), 200, await b.text());
    ownerToken = await hub.token("olivia");
    await createRepo(hub, ownerToken, "gated-demo");
    const res = await postCommit(hub, ownerToken, repo, [header("card and weights"), fileLine("README.md", card), fileLine("config.json", '{"hidden_size": 64}\n')]);
    assert.equal(res.status, 200, await res.text());
  });
  after(async () => {
    await browser?.close();
    await hub?.close();
  });

  test("the owner turns on manual gating in the Settings tab", async () => {
    const p = await page(owner);
    await p.goto(`/${repo}`);
    await p.getByRole("link", { name: "Settings" }).click();
    await p.waitForURL(`**/${repo}/settings`);
    await p.getByRole("heading", { name: "Visibility" }).waitFor();
    await p.getByLabel(/^Manual approval/).check();
    await p.getByRole("button", { name: "Save gating" }).click();
    // The access requests section appears once the repo is gated.
    await p.getByRole("heading", { name: "Access requests", exact: true }).waitFor();
    await p.getByText("No pending requests").waitFor();
    const info = (await (await owner.request.get(`/api/models/${repo}`)).json()) as { gated: unknown };
    assert.equal(info.gated, "manual");
    await screenshot(p, "gated-settings");
    // The visitor has no Settings tab and the settings URL is not theirs.
    const v = await page(visitor);
    await v.goto(`/${repo}`);
    await v.getByRole("heading", { name: "Request access to the gated demo" }).waitFor();
    assert.equal(await v.getByRole("link", { name: "Settings" }).count(), 0);
    await v.goto(`/${repo}/settings`);
    await v.getByText("404").waitFor();
    assert.equal(await v.getByRole("heading", { name: "Visibility" }).count(), 0);
    await v.close();
    await p.close();
  });

  test("anonymous visitors see the card and the gate with a sign-in link that comes back", async () => {
    const anon = await newContext(browser, hub.url);
    const p = await page(anon);
    await p.goto(`/${repo}/tree/main`);
    await p.getByRole("heading", { name: "Request access to the gated demo" }).waitFor();
    const signIn = p.getByRole("link", { name: "Sign in to request access" });
    assert.equal(await signIn.getAttribute("href"), `/login?next=${encodeURIComponent(`/${repo}/tree/main`)}`);
    // No file list behind the gate.
    assert.equal(await p.getByRole("link", { name: "config.json", exact: true }).count(), 0);
    await p.goto(`/${repo}`);
    await p.getByText("A model behind a gate.").waitFor();
    await anon.close();
  });

  test("a signed-in user fills in the gate form and the request is pending", async () => {
    const p = await page(visitor);
    await p.goto(`/${repo}/tree/main`);
    await p.getByRole("heading", { name: "Request access to the gated demo" }).waitFor();
    await p.getByText("The authors want to know who uses this model.").waitFor();
    assert.equal(await p.getByRole("link", { name: "config.json", exact: true }).count(), 0);
    // Every field is labelled, of the card's type.
    await p.getByLabel("Company").fill("ACME Research");
    await p.getByLabel("Country").fill("France");
    await p.getByLabel("Intended use").selectOption("Research");
    assert.equal(await p.getByLabel("Date of request").getAttribute("type"), "date");
    await p.getByLabel("Date of request").fill("2026-01-15");
    await screenshot(p, "gated-gate-form");
    // The browser's own check: the unticked checkbox stops the submit.
    await p.getByRole("button", { name: "Agree and access repository" }).click();
    assert.equal((await gateOf(visitor)).status, "none");
    await p.getByLabel("I agree to use this model for non-commercial use only").check();
    await p.getByRole("button", { name: "Agree and access repository" }).click();
    await p.getByText("Your request is pending.").waitFor();
    assert.deepEqual(await gateOf(visitor), { ...(await gateOf(visitor)), status: "pending", hasAccess: false });
    await screenshot(p, "gated-gate-pending");
    // Phone width: the gate still fits.
    const phone = await page(visitor, viewports.phone);
    await phone.goto(`/${repo}`);
    await phone.getByText("Your request is pending.").waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px at 375px`);
    await screenshot(phone, "gated-gate-phone");
    await phone.close();
    await p.close();
  });

  test("the owner sees the request with its answers and accepts it; the user then opens and downloads a file", async () => {
    const p = await page(owner);
    await p.goto(`/${repo}/settings`);
    const request = p.getByRole("listitem", { name: "Request from ursula" });
    await request.waitFor();
    for (const text of ["ACME Research", "France", "Research", "2026-01-15", "Ursula User"]) await request.getByText(text, { exact: true }).waitFor();
    await screenshot(p, "gated-access-requests");
    const phone = await page(owner, viewports.phone);
    await phone.goto(`/${repo}/settings`);
    await phone.getByRole("listitem", { name: "Request from ursula" }).waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `the settings page scrolls sideways by ${overflow}px at 375px`);
    await screenshot(phone, "gated-access-requests-phone");
    await phone.close();
    await request.getByRole("button", { name: "Accept ursula" }).click();
    await p.getByText("No pending requests").waitFor();
    await p.getByRole("tab", { name: "Accepted" }).click();
    await p.getByRole("listitem", { name: "Request from ursula" }).waitFor();

    const v = await page(visitor);
    await v.goto(`/${repo}/tree/main`);
    await v.getByRole("link", { name: "config.json", exact: true }).click();
    await v.getByText('"hidden_size"').first().waitFor();
    assert.equal(await v.getByRole("heading", { name: "Request access to the gated demo" }).count(), 0);
    const download = await v.evaluate(async (path) => {
      const res = await fetch(path);
      return { status: res.status, body: await res.text() };
    }, `/${repo}/resolve/main/config.json`);
    assert.deepEqual(download, { status: 200, body: '{"hidden_size": 64}\n' });

    // The owner rejects after all, with a reason: the user's files close again.
    await p.getByRole("listitem", { name: "Request from ursula" }).getByRole("button", { name: "Reject ursula" }).click();
    await p.getByLabel(/^Reason/).fill("Commercial use suspected");
    await p.getByRole("button", { name: "Confirm rejection" }).click();
    await p.getByText("No accepted requests").waitFor();
    await p.getByRole("tab", { name: "Rejected" }).click();
    await p.getByText("Reason: Commercial use suspected").waitFor();

    await v.reload();
    await v.getByText("Your request was not accepted.").waitFor();
    assert.equal(await v.getByRole("link", { name: "config.json", exact: true }).count(), 0);
    const denied = await v.evaluate(async (path) => (await fetch(path)).status, `/${repo}/resolve/main/config.json`);
    assert.equal(denied, 403);
    await screenshot(v, "gated-gate-rejected");

    // Granting by name from the settings reopens them.
    await p.getByLabel("Username").fill("ursula");
    await p.getByRole("button", { name: "Grant access" }).click();
    await p.getByText("ursula now has access.").waitFor();
    assert.equal((await gateOf(visitor)).hasAccess, true);
    await v.close();
    await p.close();
  });

  test("settings: make private after a confirm, rename, then delete by typing the id", async () => {
    await createRepo(hub, ownerToken, "scratch");
    const p = await page(owner);
    await p.goto("/olivia/scratch/settings");
    p.once("dialog", (d) => void d.accept());
    await p.getByRole("button", { name: "Make private" }).click();
    await p.getByRole("button", { name: "Make public" }).waitFor();
    assert.equal(((await (await owner.request.get("/api/models/olivia/scratch")).json()) as { private: boolean }).private, true);
    await p.getByLabel("New id (namespace/name)").fill("olivia/scratch-renamed");
    p.once("dialog", (d) => void d.accept());
    await p.getByRole("button", { name: "Rename" }).click();
    await p.waitForURL("**/olivia/scratch-renamed/settings");
    assert.equal((await owner.request.get("/api/models/olivia/scratch-renamed")).status(), 200);
    const del = p.getByRole("button", { name: "Delete repository" });
    await p.getByLabel(/to confirm$/).fill("olivia/scratch");
    assert.equal(await del.isDisabled(), true);
    await p.getByLabel(/to confirm$/).fill("olivia/scratch-renamed");
    await del.click();
    await p.waitForURL(/\/olivia$/);
    assert.equal((await owner.request.get("/api/models/olivia/scratch-renamed")).status(), 404);
    await p.close();
  });

  test("organizations: create one in the form, add a member, change the role", async () => {
    // The hub serves the app's new pages as pages (not as a repo it cannot find).
    for (const url of ["/organizations/new", "/admin/audit-log"]) {
      const res = await fetch(`${hub.url}${url}`);
      assert.equal(res.status, 200, url);
      assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    }
    const p = await page(owner);
    await p.goto("/");
    await p.getByRole("button", { name: "Account menu for olivia" }).click();
    await p.getByRole("link", { name: "New organization" }).click();
    await p.waitForURL("**/organizations/new");
    await p.getByLabel("Organization name").fill("acme-lab");
    await p.getByLabel("Full name (optional)").fill("ACME Lab");
    await p.getByRole("button", { name: "Create organization" }).click();
    await p.waitForURL("**/acme-lab");
    await p.getByRole("heading", { name: "ACME Lab" }).waitFor();
    await p.getByRole("heading", { name: /^Members/ }).waitFor();
    assert.equal(await p.getByLabel("Role of olivia").inputValue(), "admin");
    await p.getByLabel("Username").fill("ursula");
    await p.getByLabel("Role", { exact: true }).selectOption("write");
    await p.getByRole("button", { name: "Add member" }).click();
    await p.getByRole("link", { name: "ursula" }).waitFor();
    assert.equal(await p.getByLabel("Role of ursula").inputValue(), "write");
    await p.getByLabel("Role of ursula").selectOption("read");
    const members = async () => (await (await owner.request.get("/api/organizations/acme-lab/members")).json()) as Array<{ user: string; role: string }>;
    for (let i = 0; i < 50 && (await members()).find((m) => m.user === "ursula")?.role !== "read"; i++) await p.waitForTimeout(100);
    assert.deepEqual((await members()).map((m) => [m.user, m.role]).sort(), [["olivia", "admin"], ["ursula", "read"]]);
    // An unknown user is refused with the hub's message.
    await p.getByLabel("Username").fill("nobody-here");
    await p.getByRole("button", { name: "Add member" }).click();
    await p.getByRole("alert").filter({ hasText: "Could not add the member" }).waitFor();
    await screenshot(p, "org-page");

    // A member who is not an admin sees the list without the controls.
    const v = await page(visitor);
    await v.goto("/acme-lab");
    await v.getByRole("link", { name: "olivia" }).waitFor();
    assert.equal(await v.getByRole("button", { name: "Add member" }).count(), 0);
    assert.equal(await v.getByLabel("Role of olivia").count(), 0);
    await v.close();
    await p.close();
  });

  test("the audit log lists the access grant for an admin, filters by action, and is closed to others", async () => {
    const p = await page(owner);
    await p.goto("/admin/audit-log");
    await p.getByRole("heading", { name: "Audit log" }).waitFor();
    await p.getByRole("cell", { name: "org.create" }).waitFor();
    await p.getByLabel("Action").fill("access.grant");
    await p.getByRole("button", { name: "Filter" }).click();
    await p.waitForURL("**/admin/audit-log?action=access.grant");
    const rows = p.locator("tbody tr");
    await rows.first().getByText("access.grant").waitFor();
    const texts = await rows.allInnerTexts();
    assert.ok(texts.length >= 2, texts.join("\n"));
    assert.ok(texts.every((t) => t.includes("access.grant") && t.includes(`model/${repo}`) && t.includes("ursula")), texts.join("\n"));
    await screenshot(p, "audit-log");

    // Further pages follow the answer's Link header: two events a page here.
    const all = (await (await owner.request.get("/api/admin/audit-log")).json()) as Array<{ action: string }>;
    assert.ok(all.length > 4, String(all.length));
    await p.goto("/admin/audit-log?limit=2");
    await p.getByRole("cell", { name: all[1]!.action }).first().waitFor();
    assert.equal(await rows.count(), 2);
    await p.getByRole("button", { name: "Load older events" }).click();
    await p.waitForFunction(() => document.querySelectorAll("tbody tr").length === 4);
    assert.deepEqual(await p.locator("tbody tr td:nth-child(3)").allInnerTexts(), all.slice(0, 4).map((e) => e.action));

    const v = await page(visitor);
    await v.goto("/admin/audit-log");
    await v.getByText("Only administrators can read the audit log").waitFor();
    await v.close();
    await p.close();
  });
});
