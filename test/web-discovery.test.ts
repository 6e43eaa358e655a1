import assert from "node:assert/strict";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { uploadFiles } from "@huggingface/hub";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { parameterRangeLabel } from "../web/src/pages/listing/tasks.js";
import { formatParameters } from "../web/src/pages/repo/format.js";
import { launchBrowser, newContext, screenshot } from "./support/browser.js";
import { makeGguf } from "./support/gguf-models.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { card, makeSafetensors } from "./support/model-files.js";

/**
 * Discovery in the web app, in real headless Chromium against a real hub:
 * the models listing filtered by weight format and parameter range (held in
 * the URL, passed to the API), the model tree on a model page (ancestors,
 * derivative groups, "See all" landing on the filtered listing), and the
 * metadata panel (parameters, tensor types, GGUF facts, metadata problems).
 * Needs `dist/web`: run `npx vite build -c web/vite.config.ts` first.
 */

/**
 * A safetensors file whose header declares `tensors` with no data behind them:
 * the hub counts parameters from the header alone (src/lib/safetensors.ts), so
 * this stands in for a multi-gigabyte checkpoint in a few hundred bytes.
 */
function headerOnlySafetensors(tensors: Record<string, { dtype: string; shape: number[] }>): Buffer {
  const header = Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, { ...t, data_offsets: [0, 0] }]));
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([length, Buffer.from(json)]);
}

describe("web app: parameter counts and ranges as the pages spell them", () => {
  test("formatParameters rounds to the unit model names use", () => {
    assert.equal(formatParameters(20), "20");
    assert.equal(formatParameters(4_096), "4.1K");
    assert.equal(formatParameters(67_000_000), "67M");
    assert.equal(formatParameters(999_960), "1M");
    assert.equal(formatParameters(1_234_567_890), "1.2B");
    assert.equal(formatParameters(2_000_000_000), "2B");
    assert.equal(formatParameters(405_000_000_000), "405B");
    assert.equal(formatParameters(1.5e12), "1.5T");
  });

  test("parameterRangeLabel names presets and spells out other ranges", () => {
    assert.equal(parameterRangeLabel("min:1B,max:3B"), "1B – 3B");
    assert.equal(parameterRangeLabel("max:1B"), "< 1B");
    assert.equal(parameterRangeLabel("min:500M"), "≥ 500M");
    assert.equal(parameterRangeLabel("max:2k"), "≤ 2k");
    assert.equal(parameterRangeLabel("min:2B, max:4B"), "2B – 4B");
    assert.equal(parameterRangeLabel("nonsense"), "nonsense");
  });
});

/** Code in the languages cards use, by their usual fence names, and one language the app does not register. */
const baseCardBody = [
  "# Base", "", "```sh", 'export HF_ENDPOINT="http://localhost:8080"', "```", "", "```toml", "[model]", 'name = "base"', "```", "",
  "```sql", "SELECT id FROM models;", "```", "",
].join("\n");

interface ApiInfo {
  gguf?: { total: number; architecture: string; context_length: number; quantization: string };
  safetensors?: { parameters: Record<string, number>; total: number };
  indexWarnings?: Array<{ path: string; message: string }>;
}

describe("web app: discovery (format and size filters, model tree, weight metadata)", () => {
  let hub: TestHub;
  let browser: Browser;
  let alice: BrowserContext;
  let token: string;

  async function page(context = alice): Promise<Page> {
    const p = await context.newPage();
    p.on("pageerror", (err) => console.error(`[browser] page error: ${err.message}`));
    return p;
  }
  async function publish(repo: string, files: Record<string, string | Buffer>): Promise<void> {
    await createRepo(hub, token, repo.split("/")[1]!);
    await uploadFiles({
      repo,
      accessToken: token,
      hubUrl: hub.url,
      files: Object.entries(files).map(([p, c]) => ({ path: p, content: new Blob([typeof c === "string" ? c : new Uint8Array(c)]) })),
    });
  }
  async function info(repo: string): Promise<ApiInfo> {
    const res = await fetch(`${hub.url}/api/models/${repo}`);
    assert.equal(res.status, 200);
    return (await res.json()) as ApiInfo;
  }

  before(async () => {
    hub = await startHub({ allowSignup: "true" });
    browser = await launchBrowser();
    alice = await newContext(browser, hub.url);
    // 1. Alice signs up in the browser's context: its cookie jar holds her session.
    const signup = await alice.request.post("/api/auth/signup", { data: { username: "alice", password: "correct horse" } });
    assert.equal(signup.status(), 200, await signup.text());
    token = await hub.token("alice");

    const gguf = await makeGguf({ kind: "random", type: "Q8_0" });
    // 2. A 2B-parameter base (BF16), a small fine-tune of it in F16 and F32, a broken checkpoint.
    await Promise.all([
      publish("alice/base", { "README.md": card("license: mit", baseCardBody), "model.safetensors": headerOnlySafetensors({ embed: { dtype: "BF16", shape: [50_000, 40_000] } }) }),
      publish("alice/broken", { "README.md": card("license: mit"), "model.safetensors": Buffer.from("definitely not safetensors") }),
    ]);
    await Promise.all([
      publish("alice/ft", {
        "README.md": card("base_model: alice/base\nbase_model_relation: finetune"),
        "model.safetensors": makeSafetensors({ "w.weight": { dtype: "F16", shape: [4, 4] }, "b.bias": { dtype: "F32", shape: [4] } }),
        "extra/notes.txt": "notes\n",
      }),
      // 3. Four quantizations of the base: one GGUF file, three stated by their cards.
      publish("alice/base-gguf", { "README.md": card("base_model: alice/base\nbase_model_relation: quantized"), "base-Q8_0.gguf": gguf }),
      ...["awq", "gptq", "exl2"].map((q) => publish(`alice/base-${q}`, { "README.md": card("base_model: alice/base\nbase_model_relation: quantized") })),
    ]);
    // 4. Two levels down: a GGUF quantization of the fine-tune.
    await publish("alice/ft-gguf", { "README.md": card("base_model: alice/ft\nbase_model_relation: quantized"), "ft-Q8_0.gguf": gguf });
  });
  after(async () => {
    await browser?.close();
    await hub?.close();
  });

  test("listing: format and parameter-range filters live in the URL, show as chips and narrow the results", async () => {
    const p = await page();
    await p.goto("/models");
    const results = p.getByRole("region", { name: "Results" });
    const item = (id: string) => results.locator(`a.repo-card[href="/${id}"]`);
    await item("alice/base-awq").waitFor();
    // 1. Format GGUF: the two repos with a .gguf file.
    await p.getByLabel("Format", { exact: true }).selectOption("gguf");
    await p.waitForURL(/[?&]format=gguf/);
    await item("alice/ft-gguf").waitFor();
    await item("alice/base-gguf").waitFor();
    await item("alice/base-awq").waitFor({ state: "detached" });
    assert.equal(await results.locator(".repo-list-item").count(), 2);
    // 2. And 1B–3B: no GGUF model is that large.
    await p.getByLabel("Parameters", { exact: true }).selectOption({ label: "1B – 3B" });
    await p.waitForURL((url) => url.searchParams.get("num_parameters") === "min:1B,max:3B");
    await results.getByText("No models found").waitFor();
    // 3. The format chip goes; the 2B base is the one model of that size.
    await p.getByRole("button", { name: "Remove filter format: GGUF" }).click();
    await p.waitForURL((url) => !url.searchParams.has("format"));
    await item("alice/base").waitFor();
    assert.equal(await results.locator(".repo-list-item").count(), 1);
    // 4. A reload keeps the filter, in the form and as a chip.
    await p.reload();
    await item("alice/base").waitFor();
    assert.equal(await p.getByLabel("Parameters", { exact: true }).inputValue(), "min:1B,max:3B");
    await p.getByRole("button", { name: "Remove filter parameters: 1B – 3B" }).waitFor();
    await screenshot(p, "discovery-listing-parameters");
    // 5. Under 1B and safetensors: the small fine-tune; models with no weights have no size and drop out.
    await p.getByLabel("Parameters", { exact: true }).selectOption({ label: "< 1B" });
    await p.getByLabel("Format", { exact: true }).selectOption("safetensors");
    await p.waitForURL((url) => url.searchParams.get("num_parameters") === "max:1B" && url.searchParams.get("format") === "safetensors");
    await item("alice/ft").waitFor();
    await item("alice/base").waitFor({ state: "detached" });
    assert.equal(await results.locator(".repo-list-item").count(), 1);
    await p.getByRole("button", { name: "Remove filter format: Safetensors" }).waitFor();
    await screenshot(p, "discovery-listing-format");
    // 6. A range typed into the URL is passed on as it is and shows as its own chip.
    await p.goto("/models?num_parameters=min:100");
    await item("alice/ft-gguf").waitFor();
    await item("alice/ft").waitFor({ state: "detached" });
    await p.getByRole("button", { name: "Remove filter parameters: ≥ 100" }).waitFor();
    await p.close();
  });

  test("model tree: a base model's derivatives, and 'See all' lands on the filtered listing", async () => {
    const p = await page();
    await p.goto("/alice/base");
    const tree = p.locator(".model-tree");
    await tree.getByRole("heading", { name: "Model tree for alice/base" }).waitFor();
    await tree.getByRole("link", { name: /Fine-tunes\s*1/ }).waitFor();
    await tree.getByRole("link", { name: /Quantizations\s*4/ }).waitFor();
    await tree.getByRole("link", { name: "alice/ft", exact: true }).waitFor();
    // Three of the four quantizations are listed; the link leads to all of them.
    assert.equal(await tree.locator(".tree-derived li li a").count(), 1 + 3);
    await screenshot(p, "discovery-model-tree");
    await tree.getByRole("link", { name: "See all 4 quantizations →" }).click();
    await p.waitForURL((url) => url.pathname === "/models" && url.searchParams.get("other") === "base_model:quantized:alice/base");
    const results = p.getByRole("region", { name: "Results" });
    for (const q of ["gguf", "awq", "gptq", "exl2"]) await results.locator(`a.repo-card[href="/alice/base-${q}"]`).waitFor();
    assert.equal(await results.locator(".repo-list-item").count(), 4);
    await p.getByRole("button", { name: "Remove filter base_model:quantized:alice/base" }).waitFor();
    await p.close();
  });

  test("model tree: the ancestors chain, oldest first, each with its relation and linked", async () => {
    const p = await page();
    await p.goto("/alice/ft-gguf");
    const chain = p.locator(".model-tree").getByRole("list", { name: "Base models" });
    await chain.getByRole("link", { name: "alice/ft" }).waitFor();
    const rows = (await chain.locator(":scope > li").allTextContents()).map((t) => t.replace(/\s+/g, " ").trim());
    // Each row: the relation (how the model below was made from it), then the model.
    assert.deepEqual(rows, ["Fine-tuned fromalice/base", "Quantized fromalice/ft", "This modelalice/ft-gguf"]);
    await chain.getByRole("link", { name: "alice/base" }).click();
    await p.waitForURL(/\/alice\/base$/);
    await p.locator(".model-tree").getByRole("heading", { name: "Model tree for alice/base" }).waitFor();
    await p.close();
  });

  test("metadata panel: parameters and tensor types from safetensors, GGUF architecture, context and quantization", async () => {
    const p = await page();
    const meta = p.locator(".side-section", { has: p.getByRole("heading", { name: "Metadata" }) });
    const row = (name: string) => meta.locator(".meta-row", { has: p.locator("dt", { hasText: new RegExp(`^${name}$`) }) }).locator("dd");
    // The 2B base: counted from its header.
    await p.goto("/alice/base");
    assert.equal(await row("Parameters").textContent(), "2B params");
    assert.equal(await row("Tensor types").textContent(), "BF16 (2B)");
    // The fine-tune: two dtypes, most parameters first.
    await p.goto("/alice/ft");
    const ft = await info("alice/ft");
    assert.equal(ft.safetensors?.total, 20);
    assert.equal(await row("Parameters").textContent(), "20 params");
    assert.equal(await row("Tensor types").textContent(), "F16 (16), F32 (4)");
    // The GGUF quantization: what the hub read from the GGUF header.
    await p.goto("/alice/ft-gguf");
    const g = (await info("alice/ft-gguf")).gguf!;
    assert.ok(g.total > 0);
    assert.equal(await row("Parameters").textContent(), `${formatParameters(g.total)} params`);
    assert.equal(await row("Architecture").textContent(), g.architecture);
    assert.equal(await row("Context length").textContent(), g.context_length.toLocaleString("en"));
    assert.equal(await row("Quantization").textContent(), "Q8_0 (GGUF)");
    // The lineage in words; the card's base_model_relation key is not repeated as a raw row.
    assert.equal(await row("Base model").textContent(), "alice/ft");
    assert.equal(await row("Relation").textContent(), "Quantization");
    assert.equal(await row("base_model_relation").count(), 0);
    assert.equal(await meta.locator(".index-warnings").count(), 0);
    await screenshot(p, "discovery-gguf-metadata");
    await p.close();
  });

  test("metadata problems are a discreet notice that anyone can open", async () => {
    const warnings = (await info("alice/broken")).indexWarnings ?? [];
    assert.equal(warnings.length, 1);
    const anonymous = await newContext(browser, hub.url);
    const p = await page(anonymous);
    await p.goto("/alice/broken");
    const notice = p.locator(".index-warnings");
    await notice.getByText("Metadata problems (1)").click();
    await notice.getByText(warnings[0]!.message).waitFor();
    assert.equal(await notice.locator("code").textContent(), "model.safetensors");
    assert.equal(await p.locator(".meta-row dt", { hasText: /^Parameters$/ }).count(), 0);
    await anonymous.close();
  });

  test("card code: common languages highlighted by their aliases, others shown as plain text, in a chunk under 500 kB", async () => {
    const p = await page();
    await p.goto("/alice/base");
    const cardView = p.getByRole("article", { name: "Model card" });
    await cardView.getByRole("heading", { name: "Base" }).waitFor();
    await cardView.locator("pre code.hljs.language-sh [class^='hljs-']").first().waitFor();
    await cardView.locator("pre code.hljs.language-toml [class^='hljs-']").first().waitFor();
    // SQL is not registered: the text is there, untouched.
    const sql = cardView.locator("pre code.language-sql");
    assert.equal(await sql.textContent(), "SELECT id FROM models;\n");
    assert.equal(await sql.locator("span").count(), 0);
    // The Markdown chunk (react-markdown, rehype, highlight.js) stays under Vite's 500 kB warning.
    const assets = path.join(fileURLToPath(new URL("../dist/web/assets/", import.meta.url)));
    const chunks = (await readdir(assets)).filter((f) => /^Markdown-.*\.js$/.test(f));
    assert.equal(chunks.length, 1);
    const { size } = await stat(path.join(assets, chunks[0]!));
    assert.ok(size < 500_000, `Markdown chunk is ${size} bytes`);
    await p.close();
  });

  test("files: 'Add files' in a folder opens the upload page into that folder", async () => {
    const p = await page();
    await p.goto("/alice/ft/tree/main/extra");
    await p.locator("table.file-table").getByRole("link", { name: "notes.txt", exact: true }).waitFor();
    const add = p.getByRole("link", { name: "+ Add files" });
    assert.equal(await add.getAttribute("href"), "/alice/ft/upload/main/extra");
    await add.click();
    await p.waitForURL(/\/alice\/ft\/upload\/main\/extra$/);
    assert.equal(await p.getByLabel("Into folder").inputValue(), "extra");
    // At the root, no folder.
    await p.goto("/alice/ft/tree/main");
    assert.equal(await p.getByRole("link", { name: "+ Add files" }).getAttribute("href"), "/alice/ft/upload/main");
    await p.close();
  });
});
