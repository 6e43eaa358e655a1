import { access, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/**
 * Real headless Chromium for the web app's end-to-end tests: Debian's
 * `chromium` driven by playwright-core (no downloaded browser). The flags keep
 * it off the network: these machines reach nothing outside.
 *
 * The tests need the built app (`dist/web`): `npm test` builds it first; alone,
 * run `npm run build:web` before `node --import tsx --test test/web-*.test.ts`.
 */
export const chromiumPath = process.env.MODELPORT_TEST_CHROMIUM ?? "/usr/bin/chromium";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const screenshotDir = path.join(root, "test-artifacts", "screenshots");

export async function launchBrowser(): Promise<Browser> {
  await access(path.join(root, "dist", "web", "index.html")).catch(() => {
    throw new Error("dist/web/index.html is missing: build the web app first (npm run build:web)");
  });
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/** A fresh browser profile (cookies, storage) whose relative URLs go to `baseURL` (a startHub() hub's url). */
export async function newContext(browser: Browser, baseURL: string, opts: { width?: number; height?: number } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    locale: "en-US",
  });
  context.setDefaultTimeout(15_000);
  return context;
}

/** A new page in a fresh context; page errors fail loudly in the test's output. */
export async function newPage(browser: Browser, baseURL: string, opts: { width?: number; height?: number } = {}): Promise<Page> {
  const context = await newContext(browser, baseURL, opts);
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[browser] page error: ${err.message}`));
  return page;
}

/** Saves a PNG of the page under test-artifacts/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name.replace(/[^A-Za-z0-9._-]+/g, "-")}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  return file;
}

/** Phone and laptop viewports the pages are checked at. */
export const viewports = {
  phone: { width: 375, height: 740 },
  laptop: { width: 1280, height: 800 },
} as const;
