import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * The web app: `web/` is the Vite root, the bundle goes to `dist/web/`, which
 * the hub serves at `/` (src/http/web/web-app.ts).
 *
 * `npm run dev:web` starts Vite's dev server with hot reload; everything that is
 * not a page (the Hub API, git, LFS, resolve/raw, /v1) is proxied to a running
 * hub, `MODELPORT_DEV_HUB` (default http://127.0.0.1:8080).
 */
const hub = process.env.MODELPORT_DEV_HUB ?? "http://127.0.0.1:8080";
// Vite reads keys starting with "^" as regular expressions over the request path.
const proxied = ["^/api/", "^/v1/", "^/health$", "^/metrics$", "^/.*\\.git/", "^/.*/(resolve|raw)/", "^/.*/info/refs", "^/.*/git-(upload|receive)-pack"];

/**
 * rehype-highlight imports lowlight's `common` grammars even when given its
 * own `languages`; this sends that one import to web/src/lib/lowlight-shim.ts,
 * so only the grammars of web/src/lib/highlight-languages.ts are bundled.
 */
function highlightLanguagesOnly(): Plugin {
  const shim = fileURLToPath(new URL("./src/lib/lowlight-shim.ts", import.meta.url));
  return {
    name: "modelport:highlight-languages",
    enforce: "pre",
    resolveId(source, importer) {
      return source === "lowlight" && importer && /[\\/]rehype-highlight[\\/]/.test(importer) ? shim : null;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react(), highlightLanguagesOnly()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: Object.fromEntries(proxied.map((pattern) => [pattern, { target: hub, changeOrigin: false }])),
  },
});
