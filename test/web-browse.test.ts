import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { uploadFiles } from "@huggingface/hub";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, newContext, screenshot, viewports } from "./support/browser.js";
import { makeGguf, publishModel } from "./support/gguf-models.js";
import { createRepo, startHub, type TestHub } from "./support/hub.js";
import { fileLine, header, postCommit } from "./support/hub-write.js";

/**
 * The web app's browsing pages in real headless Chromium against a real hub:
 * home, listings (search, filters, URL state), the repo page (rendered card,
 * tags, files, branches, commits and diffs) and the playground (streamed chat
 * with a generated model, embeddings). Needs `dist/web`: run
 * `npx vite build -c web/vite.config.ts` first.
 */
const readme = `---
license: mit
language:
- en
pipeline_tag: text-generation
library_name: transformers
tags:
- demo
- chat
---
# Demo model

A small model for the browsing tests.

| Metric | Value |
|--------|-------|
| accuracy | 0.93 |
| f1 | 0.91 |

\`\`\`python
from transformers import pipeline
def greet(name):
    return f"Hello {name}"
\`\`\`

<details><summary>Training details</summary>

Trained for <b>3 epochs</b>.

</details>

<script>window.__cardScript = true</script>
<img src="x" onerror="window.__cardScript = true">

[bad link](javascript:window.__cardScript=true)
`;

describe("web app: browsing, repo page and playground", () => {
  let hub: TestHub;
  let browser: Browser;
  let alice: BrowserContext;
  let token: string;
  const commits = { config: "" };

  async function page(context = alice): Promise<Page> {
    const p = await context.newPage();
    p.on("pageerror", (err) => console.error(`[browser] page error: ${err.message}`));
    return p;
  }
  async function commit(repo: string, summary: string, files: Record<string, string>, revision = "main"): Promise<string> {
    const res = await postCommit(hub, token, repo, [header(summary), ...Object.entries(files).map(([p, c]) => fileLine(p, c))], { revision });
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { commitOid: string }).commitOid;
  }

  before(async () => {
    hub = await startHub({ allowSignup: "true", inferenceThreads: 1, inferenceGpu: "off", inferenceContextSize: 1024, inferenceParallel: 1 });
    // The engine's worker starts while the repos are made.
    const engine = hub.hub.services.inference.localEngine();
    browser = await launchBrowser();
    alice = await newContext(browser, hub.url);
    // 1. Alice signs up in the browser's context: its cookie jar holds her session.
    const signup = await alice.request.post("/api/auth/signup", { data: { username: "alice", password: "correct horse" } });
    assert.equal(signup.status(), 200, await signup.text());
    token = await hub.token("alice");

    // 2. A model with a card, a JSON config, a nested file and an LFS file; a second commit changes the config.
    await createRepo(hub, token, "demo-model");
    await commit("alice/demo-model", "Add the card and config", {
      "README.md": readme,
      "config.json": JSON.stringify({ model_type: "llama", hidden_size: 64, num_layers: 2 }),
      "nested/notes.txt": "some notes\n",
    });
    await uploadFiles({
      repo: "alice/demo-model",
      accessToken: token,
      hubUrl: hub.url,
      files: [{ path: "model.safetensors", content: new Blob([new Uint8Array(randomBytes(2048))]) }],
    });
    commits.config = await commit("alice/demo-model", "Use four layers", {
      "config.json": JSON.stringify({ model_type: "llama", hidden_size: 64, num_layers: 4 }),
    });
    // 3. A branch with a file of its own.
    const branch = await fetch(`${hub.url}/api/models/alice/demo-model/branch/dev`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    assert.equal(branch.status, 200);
    await commit("alice/demo-model", "Work on dev", { "dev-only.txt": "only on dev\n" }, "dev");

    // 4. Other repos for the listings, a private one, and two servable models.
    await createRepo(hub, token, "other-model");
    await commit("alice/other-model", "card", { "README.md": "---\nlicense: apache-2.0\npipeline_tag: feature-extraction\n---\n# Other\n" });
    await createRepo(hub, token, "demo-ft");
    await commit("alice/demo-ft", "card", { "README.md": "---\nbase_model: alice/demo-model\nbase_model_relation: finetune\n---\n# A fine-tune\n" });
    await createRepo(hub, token, "demo-data", { type: "dataset" });
    await createRepo(hub, token, "secret", { private: true });
    await publishModel(hub, token, "alice/scripted", { "scripted-Q8_0.gguf": await makeGguf({ kind: "scripted" }), "README.md": Buffer.from("# Scripted\n") });
    await publishModel(hub, token, "alice/bert", { "bert-F16.gguf": await makeGguf({ kind: "bert" }) });
    await engine;
  });
  after(async () => {
    await browser?.close();
    await hub?.close();
  });

  test("home: search box, trending and recently updated models and datasets", async () => {
    const p = await page();
    await p.goto("/");
    await p.getByRole("heading", { name: "Trending models" }).waitFor();
    const trending = p.locator("section", { has: p.getByRole("heading", { name: "Trending models" }) });
    await trending.getByRole("link", { name: /alice\/demo-model/ }).waitFor();
    const recent = p.locator("section", { has: p.getByRole("heading", { name: "Recently updated datasets" }) });
    await recent.getByRole("link", { name: /alice\/demo-data/ }).waitFor();
    await screenshot(p, "browse-home");
    // The search box leads to the listing with the query in its URL.
    await p.locator("#home-search").fill("scripted");
    await p.getByRole("button", { name: "Search" }).click();
    await p.waitForURL(/\/models\?search=scripted/);
    await p.getByRole("link", { name: /alice\/scripted/ }).waitFor();
    await p.close();
  });

  test("listing: search and filters live in the URL, survive a reload, and pages are links", async () => {
    const p = await page();
    await p.goto("/models");
    const results = p.getByRole("region", { name: "Results" });
    await results.getByRole("link", { name: /alice\/other-model/ }).waitFor();
    // 1. Typing filters after a short pause and writes ?search= into the URL.
    await p.getByLabel("Filter models").fill("model");
    await p.waitForURL(/search=model/);
    await results.getByRole("link", { name: /alice\/other-model/ }).waitFor();
    assert.equal(await results.getByRole("link", { name: /alice\/scripted/ }).count(), 0);
    // 2. A license filter narrows it to the MIT card.
    await p.getByLabel("License", { exact: true }).selectOption("mit");
    await p.waitForURL(/license=mit/);
    await results.getByRole("link", { name: /other-model/ }).waitFor({ state: "detached" });
    await results.getByRole("link", { name: /alice\/demo-model/ }).waitFor();
    // 3. A reload keeps the query and the form shows it.
    await p.reload();
    await results.getByRole("link", { name: /alice\/demo-model/ }).waitFor();
    assert.equal(await results.getByRole("link", { name: /other-model/ }).count(), 0);
    assert.equal(await p.getByLabel("License", { exact: true }).inputValue(), "mit");
    assert.equal(await p.getByLabel("Filter models").inputValue(), "model");
    await screenshot(p, "browse-listing");
    // 4. The chip removes the filter; the task filter goes into the URL as pipeline_tag.
    await p.getByRole("button", { name: "Remove filter license: mit" }).click();
    await results.getByRole("link", { name: /alice\/other-model/ }).waitFor();
    await p.getByLabel("Task").selectOption("feature-extraction");
    await p.waitForURL(/pipeline_tag=feature-extraction/);
    await results.getByRole("link", { name: /demo-model/ }).waitFor({ state: "detached" });
    // 5. Page size 30 and 6 repos: no next page.
    assert.equal(await p.getByRole("link", { name: "Next →" }).count(), 0);
    // 6. "Clear all" keeps nothing; a language filter is applied on Enter.
    await p.getByRole("button", { name: "Clear all" }).click();
    await p.waitForURL((url) => url.search === "");
    await p.getByLabel("Language", { exact: true }).fill("en");
    await p.getByLabel("Language", { exact: true }).press("Enter");
    await p.waitForURL(/language=en/);
    await results.getByRole("link", { name: /alice\/demo-model/ }).waitFor();
    await results.getByRole("link", { name: /other-model/ }).waitFor({ state: "detached" });
    await p.close();
  });

  test("listing: the Link cursor gives Next, and Previous comes back", async () => {
    const p = await page();
    for (let i = 0; i < 31; i++) await createRepo(hub, token, `bulk-${String(i).padStart(2, "0")}`);
    await p.goto("/models?search=bulk");
    const results = p.getByRole("region", { name: "Results" });
    await results.locator(".repo-list-item").nth(29).waitFor();
    assert.equal(await results.locator(".repo-list-item").count(), 30);
    await p.getByRole("link", { name: "Next →" }).click();
    await p.waitForURL(/cursor=/);
    await results.locator(".repo-list-item").first().waitFor();
    assert.equal(await results.locator(".repo-list-item").count(), 1);
    await p.reload();
    await p.getByRole("link", { name: "← Previous" }).click();
    await p.waitForURL((url) => !url.search.includes("cursor="));
    await results.locator(".repo-list-item").nth(29).waitFor();
    await p.close();
  });

  test("model page: the card rendered (table, highlighted code), YAML as tags, no script from the card", async () => {
    const p = await page();
    await p.goto("/alice/demo-model");
    await p.getByRole("heading", { level: 1, name: /alice\s*\/?\s*demo-model/ }).waitFor();
    const card = p.getByRole("article", { name: "Model card" });
    await card.getByRole("heading", { name: "Demo model" }).waitFor();
    // A GFM table and a highlighted code block.
    assert.equal(await card.locator("table th").first().textContent(), "Metric");
    assert.equal(await card.locator("table td").first().textContent(), "accuracy");
    await card.locator("pre code.hljs.language-python .hljs-keyword").first().waitFor();
    // The front matter is tags and metadata, not text.
    const tags = p.getByRole("list", { name: "Tags" });
    for (const name of ["Text Generation", "transformers", /language:\s*en/, "demo", "chat", /License:\s*mit/]) {
      await tags.getByRole("link", { name }).waitFor();
    }
    const text = await card.textContent();
    assert.doesNotMatch(text!, /pipeline_tag|library_name:/);
    // Raw HTML in the card is not rendered, and javascript: links are dropped.
    assert.equal(await p.evaluate(() => (window as unknown as { __cardScript?: boolean }).__cardScript), undefined);
    assert.equal(await card.locator("script, img[onerror]").count(), 0);
    // Safe HTML still renders, as on the Hub.
    await card.locator("details summary", { hasText: "Training details" }).waitFor();
    assert.equal(await card.locator("details b").textContent(), "3 epochs");
    assert.doesNotMatch(text!, /<script>/);
    assert.equal(await card.locator('a[href^="javascript:"]').count(), 0);
    await card.getByText("bad link").waitFor();
    // "Use this model" has a git clone with LFS and huggingface_hub with HF_ENDPOINT.
    const use = p.locator(".use-this");
    await use.getByRole("tab", { name: "git" }).click();
    await use.getByText(`git clone ${hub.url}/alice/demo-model`).first().waitFor();
    await use.getByRole("tab", { name: "huggingface_hub" }).click();
    await use.getByText(`os.environ["HF_ENDPOINT"] = "${hub.url}"`).waitFor();
    // The model tree: the fine-tune made from it, and on the fine-tune, its base.
    const tree = p.locator(".model-tree");
    await tree.getByRole("link", { name: /Fine-tunes\s*1/ }).waitFor();
    await tree.getByRole("link", { name: "alice/demo-ft" }).waitFor();
    await screenshot(p, "browse-model-page");
    await p.goto("/alice/demo-ft");
    await p.locator(".model-tree").getByRole("link", { name: "alice/demo-model" }).waitFor();
    await p.locator(".model-tree").getByText("Fine-tuned from").waitFor();
    await p.close();
  });

  test("like and unlike from the repo header when signed in", async () => {
    const p = await page();
    await p.goto("/alice/other-model");
    const like = p.getByRole("button", { name: /^.?\s*Like 0$/ });
    await like.click();
    await p.getByRole("button", { name: /Liked 1/ }).waitFor();
    const info = (await (await fetch(`${hub.url}/api/models/alice/other-model`)).json()) as { likes: number };
    assert.equal(info.likes, 1);
    await p.getByRole("button", { name: /Liked 1/ }).click();
    await p.getByRole("button", { name: /Like 0/ }).waitFor();
    await p.close();
  });

  test("files: folder listing with sizes and LFS badge, a JSON file pretty and highlighted, raw download", async () => {
    const p = await page();
    await p.goto("/alice/demo-model");
    await p.getByRole("link", { name: "Files and versions" }).click();
    await p.waitForURL(/\/alice\/demo-model\/tree\/main$/);
    const table = p.locator("table.file-table");
    await table.getByRole("link", { name: "config.json", exact: true }).waitFor();
    const lfsRow = table.locator("tr", { has: p.getByRole("link", { name: "model.safetensors", exact: true }) });
    await lfsRow.getByText("LFS").waitFor();
    await lfsRow.getByText("2 kB").waitFor();
    // Last commit of each entry.
    await table.locator("tr", { has: p.getByRole("link", { name: "config.json", exact: true }) }).getByRole("link", { name: "Use four layers" }).waitFor();
    await screenshot(p, "browse-files");
    // Into a folder and back with the breadcrumb.
    await table.getByRole("link", { name: "nested (folder)" }).click();
    await p.waitForURL(/tree\/main\/nested$/);
    await table.getByRole("link", { name: "notes.txt", exact: true }).waitFor();
    await p.getByRole("navigation", { name: "Path" }).getByRole("link", { name: "demo-model" }).click();
    await table.getByRole("link", { name: "config.json", exact: true }).click();
    await p.waitForURL(/blob\/main\/config\.json$/);
    const code = p.locator(".blob-body pre code.language-json");
    await code.locator(".hljs-attr").first().waitFor();
    assert.match((await code.textContent())!, /\{\n {2}"model_type": "llama",\n {2}"hidden_size": 64,\n {2}"num_layers": 4\n\}/);
    const download = await p.getByRole("link", { name: "Download" }).getAttribute("href");
    const res = await fetch(`${hub.url}${download}`);
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(await res.text()).num_layers, 4);
    // An LFS file shows its size and a download link, not bytes.
    await p.goto("/alice/demo-model/blob/main/model.safetensors");
    await p.getByText("This file is stored with Git LFS").waitFor();
    await p.close();
  });

  test("the branch switcher puts the branch in the URL and shows its files", async () => {
    const p = await page();
    await p.goto("/alice/demo-model/tree/main");
    const table = p.locator("table.file-table");
    await table.getByRole("link", { name: "config.json", exact: true }).waitFor();
    assert.equal(await table.getByRole("link", { name: "dev-only.txt", exact: true }).count(), 0);
    await p.getByLabel("Branch or tag").selectOption("dev");
    await p.waitForURL(/\/tree\/dev$/);
    await table.getByRole("link", { name: "dev-only.txt", exact: true }).click();
    await p.waitForURL(/\/blob\/dev\/dev-only\.txt$/);
    await p.getByText("only on dev").waitFor();
    await p.close();
  });

  test("commits list and a commit's diff", async () => {
    const p = await page();
    await p.goto("/alice/demo-model/commits/main");
    const list = p.locator("ol.commit-list");
    await list.getByRole("link", { name: "Use four layers" }).waitFor();
    await list.getByRole("link", { name: "Add the card and config" }).waitFor();
    assert.equal(await list.getByRole("link", { name: "Work on dev" }).count(), 0);
    await list.getByRole("link", { name: "Use four layers" }).click();
    await p.waitForURL(new RegExp(`/commit/${commits.config}$`));
    const file = p.getByRole("region", { name: "Modified config.json" });
    await file.locator(".diff-del .diff-text", { hasText: '"num_layers":2' }).waitFor();
    await file.locator(".diff-add .diff-text", { hasText: '"num_layers":4' }).waitFor();
    await p.getByText("1 changed file").waitFor().catch(async () => {
      assert.match((await p.locator(".diff-summary").textContent())!, /1\s*changed file/);
    });
    await screenshot(p, "browse-commit-diff");
    await p.close();
  });

  test("playground: a streamed chat answer from the generated model, with its settings", async () => {
    const p = await page();
    await p.goto("/alice/scripted");
    // A model the hub serves offers the OpenAI clients first, with this hub's /v1 and the model id.
    const use = p.locator(".use-this");
    // The page learns that the hub serves the model after it renders: wait for the snippets to switch.
    await use.getByRole("tab", { name: "OpenAI (Python)", selected: true }).waitFor();
    await use.getByText(`base_url="${hub.url}/v1"`).waitFor();
    await use.getByText('model="alice/scripted"').waitFor();
    await p.getByRole("link", { name: "Playground" }).first().click();
    await p.waitForURL(/\/alice\/scripted\/playground$/);
    await p.getByLabel("System prompt").fill("You are terse.");
    await p.getByLabel("Max tokens").fill("32");
    await p.getByLabel("Message").fill("Hi");
    await p.getByRole("button", { name: "Send" }).click();
    const answer = p.locator(".chat-assistant .chat-content");
    await answer.filter({ hasText: "Hello world!" }).waitFor({ timeout: 60_000 });
    await p.getByRole("button", { name: "Send" }).waitFor();
    await screenshot(p, "browse-playground");
    await p.close();
  });

  test("embeddings tester: dimension, first values and cosine similarity", async () => {
    const p = await page();
    await p.goto("/alice/bert/playground");
    await p.getByRole("button", { name: "Embeddings", exact: true }).click();
    await p.getByLabel("Text", { exact: true }).fill("a cat sits");
    await p.getByLabel(/Second text/).fill("a cat sits");
    await p.getByRole("button", { name: "Compute embeddings" }).click();
    const dim = Number(await p.locator(".embedding-dim").textContent({ timeout: 60_000 }));
    assert.ok(dim > 0);
    // The same text twice: cosine 1.
    assert.equal(await p.locator(".embedding-cosine").textContent(), "1.0000");
    await p.close();
  });

  test("a private repo is a 404 page to others; a missing card suggests adding one", async () => {
    const anonymous = await newContext(browser, hub.url);
    const p = await page(anonymous);
    await p.goto("/alice/secret");
    await p.getByRole("heading", { name: /can't find the repository/ }).waitFor();
    await anonymous.close();
    const mine = await page();
    await mine.goto("/alice/secret");
    await mine.getByText("This repository is empty").waitFor();
    // A dataset page: its own kind in the title and snippets, and an empty repo says how to fill it.
    await mine.goto("/datasets/alice/demo-data");
    await mine.getByRole("heading", { level: 1, name: /Datasets:\s*alice\s*\/?\s*demo-data/ }).waitFor();
    await mine.getByText("This repository is empty").waitFor();
    await mine.getByRole("heading", { name: "Use this dataset" }).waitFor();
    await mine.locator(".use-this").getByRole("tab", { name: "git" }).click();
    await mine.locator(".use-this").getByText(`git clone ${hub.url}/datasets/alice/demo-data`).first().waitFor();
    await mine.goto("/alice/bert");
    await mine.getByText("No model card").waitFor();
    await mine.getByRole("link", { name: "Create a model card" }).waitFor();
    await mine.close();
  });

  test("phone width: the model page, files and playground fit 375px without sideways scrolling", async () => {
    const phone = await newContext(browser, hub.url, viewports.phone);
    const p = await page(phone);
    for (const url of ["/", "/models", "/alice/demo-model", "/alice/demo-model/tree/main", `/alice/demo-model/commit/${commits.config}`, "/alice/scripted/playground"]) {
      await p.goto(url);
      await p.locator("main").getByRole("heading").first().waitFor().catch((err: Error) => {
        throw new Error(`${url}: ${err.message}`);
      });
      await p.waitForLoadState("networkidle");
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${url} overflows by ${overflow}px`);
    }
    await p.goto("/alice/demo-model");
    await p.getByRole("heading", { name: "Demo model" }).waitFor();
    await screenshot(p, "browse-model-page-phone");
    await phone.close();
  });

  test("keyboard: the snippet tabs move with arrow keys", async () => {
    const p = await page();
    await p.goto("/alice/demo-model");
    const tabs = p.locator(".use-this").getByRole("tab");
    await tabs.first().focus();
    await p.keyboard.press("ArrowRight");
    assert.equal(await tabs.nth(1).getAttribute("aria-selected"), "true");
    assert.equal(await p.evaluate(() => document.activeElement?.getAttribute("role")), "tab");
    await p.close();
  });
});
