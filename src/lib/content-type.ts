/**
 * The `Content-Type` a downloaded file is served with, from its extension.
 * Only types a browser will not run are named (never HTML, SVG or
 * JavaScript): a repo's files are user content on the hub's own origin.
 * Everything else is `application/octet-stream`.
 */
const byExtension: Record<string, string> = {
  json: "application/json",
  jsonl: "text/plain; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  yaml: "text/plain; charset=utf-8",
  yml: "text/plain; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  tsv: "text/tab-separated-values; charset=utf-8",
  py: "text/plain; charset=utf-8",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  wav: "audio/wav",
  mp3: "audio/mpeg",
  parquet: "application/vnd.apache.parquet",
};

export function contentTypeOf(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return (dot > 0 && byExtension[name.slice(dot + 1).toLowerCase()]) || "application/octet-stream";
}
