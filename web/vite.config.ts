import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

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

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: Object.fromEntries(proxied.map((pattern) => [pattern, { target: hub, changeOrigin: false }])),
  },
});
