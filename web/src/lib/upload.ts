/**
 * Uploading files to a repo from the browser, through the public API exactly
 * as the Hugging Face clients do (hf-hub-protocol.md §5):
 *
 *   1. POST /api/{t}/{id}/preupload/{rev}     which files go to LFS
 *   2. for LFS files: sha256 (streamed), POST {repo}.git/info/lfs/objects/batch,
 *      PUT each object to its signed URL (or its parts, multipart), verify
 *   3. POST /api/{t}/{id}/commit/{rev}        NDJSON: header, regular files inline, LFS pointers
 *
 * Transfers go through XMLHttpRequest for upload progress. Memory stays
 * bounded: large files are hashed and sent as Blob slices, never read whole.
 */
import { ApiError, api, csrfHeaders, encodeRev, plural, type RepoType, repoUrlPath } from "../api";
import { sha256OfBlob } from "./sha256";

export interface UploadFile {
  /** Path in the repo, `/`-separated. */
  path: string;
  file: Blob;
}

export type FileStage = "waiting" | "hashing" | "uploading" | "stored" | "ignored" | "committed" | "failed";

export interface UploadProgress {
  /** Bytes hashed and sent so far, over all files (hashing counts half, sending half). */
  done: number;
  total: number;
  /** Per file path. */
  files: Record<string, { stage: FileStage; lfs: boolean; fraction: number }>;
  phase: "preparing" | "hashing" | "uploading" | "committing" | "done";
}

export interface CommitResult {
  commitOid: string;
  commitUrl?: string;
}

interface PreuploadAnswer {
  files: Array<{ path: string; uploadMode: "lfs" | "regular"; shouldIgnore: boolean; oid?: string }>;
}

interface BatchObject {
  oid: string;
  size: number;
  actions?: Record<string, { href: string; header?: Record<string, string> }>;
  error?: { code: number; message: string };
}

/** Uploads `files` to `rev` of a repo in one commit and returns the commit. */
export async function uploadFiles(opts: {
  type: RepoType;
  id: string;
  rev: string;
  files: UploadFile[];
  summary: string;
  description?: string;
  onProgress?: (p: UploadProgress) => void;
  signal?: AbortSignal;
}): Promise<CommitResult> {
  const { type, id, rev, files, signal } = opts;
  const apiBase = `/api/${plural[type]}/${id.split("/").map(encodeURIComponent).join("/")}`;
  const totalBytes = files.reduce((n, f) => n + f.file.size, 0);
  const progress: UploadProgress = {
    done: 0,
    total: Math.max(1, totalBytes * 2),
    files: Object.fromEntries(files.map((f) => [f.path, { stage: "waiting" as FileStage, lfs: false, fraction: 0 }])),
    phase: "preparing",
  };
  const report = () => opts.onProgress?.({ ...progress, files: { ...progress.files } });
  const counted = new Map<string, number>();
  const advance = (path: string, key: "hash" | "send", bytes: number, fileSize: number) => {
    const k = `${key}:${path}`;
    progress.done += bytes - (counted.get(k) ?? 0);
    counted.set(k, bytes);
    const entry = progress.files[path]!;
    const hashed = counted.get(`hash:${path}`) ?? 0;
    const sent = counted.get(`send:${path}`) ?? 0;
    entry.fraction = fileSize === 0 ? 1 : (hashed + sent) / (2 * fileSize);
    report();
  };
  report();

  // 1. Preupload: the hub decides regular or LFS per file from its size, a sample and .gitattributes.
  const decisions = new Map<string, PreuploadAnswer["files"][number]>();
  for (let i = 0; i < files.length; i += 250) {
    const batch = files.slice(i, i + 250);
    const answer = await api<PreuploadAnswer>(`${apiBase}/preupload/${encodeRev(rev)}`, {
      json: { files: await Promise.all(batch.map(async (f) => ({ path: f.path, size: f.file.size, sample: await sampleOf(f.file) }))) },
      signal,
    });
    for (const d of answer.files) decisions.set(d.path, d);
  }
  const kept = files.filter((f) => !decisions.get(f.path)?.shouldIgnore);
  for (const f of files) {
    if (decisions.get(f.path)?.shouldIgnore) {
      progress.files[f.path]!.stage = "ignored";
      advance(f.path, "hash", f.file.size, f.file.size);
      advance(f.path, "send", f.file.size, f.file.size);
    }
  }
  const lfsFiles = kept.filter((f) => decisions.get(f.path)?.uploadMode === "lfs");
  const regular = kept.filter((f) => decisions.get(f.path)?.uploadMode !== "lfs");
  for (const f of lfsFiles) progress.files[f.path]!.lfs = true;

  // 2. LFS: hash each file in chunks, ask the batch API where to put it, send it there.
  const oids = new Map<string, string>();
  if (lfsFiles.length > 0) {
    progress.phase = "hashing";
    for (const f of lfsFiles) {
      progress.files[f.path]!.stage = "hashing";
      const oid = await sha256OfBlob(f.file, (n) => advance(f.path, "hash", n, f.file.size), signal);
      oids.set(f.path, oid);
    }
    progress.phase = "uploading";
    // One object per oid: the same content under two paths is sent once.
    const unique = new Map<string, UploadFile>();
    for (const f of lfsFiles) unique.set(oids.get(f.path)!, f);
    const batch = await lfsBatch(type, id, rev, [...unique].map(([oid, f]) => ({ oid, size: f.file.size })), signal);
    for (const object of batch) {
      const f = unique.get(object.oid);
      if (!f) continue;
      const paths = lfsFiles.filter((x) => oids.get(x.path) === object.oid).map((x) => x.path);
      if (object.error) throw new ApiError(object.error.code, undefined, `${f.path}: ${object.error.message}`);
      for (const p of paths) progress.files[p]!.stage = "uploading";
      report();
      const upload = object.actions?.upload;
      if (upload) {
        const onSent = (n: number) => paths.forEach((p) => advance(p, "send", n, f.file.size));
        if (upload.header?.chunk_size) await multipartUpload(f.file, object.oid, upload, onSent, signal);
        else await xhr("PUT", upload.href, f.file, { headers: transferHeaders(upload.header), onUpload: onSent, signal });
        const verify = object.actions?.verify;
        if (verify) {
          await xhr("POST", verify.href, JSON.stringify({ oid: object.oid, size: f.file.size }), {
            headers: { ...transferHeaders(verify.header), "Content-Type": "application/vnd.git-lfs+json", Accept: "application/vnd.git-lfs+json" },
            signal,
          });
        }
      }
      // No upload action: the hub has the object already.
      for (const p of paths) {
        advance(p, "send", f.file.size, f.file.size);
        progress.files[p]!.stage = "stored";
      }
      report();
    }
  }

  // 3. The commit: regular files inline (base64), LFS files as pointers.
  progress.phase = "committing";
  for (const f of regular) {
    advance(f.path, "hash", f.file.size, f.file.size);
    progress.files[f.path]!.stage = "uploading";
  }
  report();
  const lines: BlobPart[] = [JSON.stringify({ key: "header", value: { summary: opts.summary, description: opts.description ?? "" } }) + "\n"];
  for (const f of regular) {
    lines.push(JSON.stringify({ key: "file", value: { path: f.path, encoding: "base64", content: await base64Of(f.file) } }) + "\n");
  }
  for (const f of lfsFiles) {
    lines.push(JSON.stringify({ key: "lfsFile", value: { path: f.path, algo: "sha256", oid: oids.get(f.path), size: f.file.size } }) + "\n");
  }
  const body = new Blob(lines, { type: "application/x-ndjson" });
  const regularBytes = regular.reduce((n, f) => n + f.file.size, 0);
  const answer = await xhr("POST", `${apiBase}/commit/${encodeRev(rev)}`, body, {
    headers: { "Content-Type": "application/x-ndjson", Accept: "application/json", ...csrfHeaders() },
    onUpload: (n) => {
      // The body is base64 (4/3 larger) plus JSON: spread what was sent over the regular files.
      const fraction = Math.min(1, n / body.size);
      for (const f of regular) advance(f.path, "send", Math.round(fraction * f.file.size), f.file.size);
      if (regularBytes === 0) report();
    },
    signal,
  });
  const result = JSON.parse(answer.responseText || "{}") as CommitResult;
  for (const f of kept) progress.files[f.path]!.stage = "committed";
  progress.done = progress.total;
  progress.phase = "done";
  report();
  return result;
}

/** The first 512 bytes, base64: what preupload looks at to tell text from binary. */
async function sampleOf(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.slice(0, 512).arrayBuffer());
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** A (small, regular) file as base64, through the browser's own encoder. */
function base64Of(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(",") + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error("could not read the file"));
    reader.readAsDataURL(file);
  });
}

/** `POST {repo}.git/info/lfs/objects/batch` for an upload, offering multipart like huggingface_hub. */
async function lfsBatch(type: RepoType, id: string, rev: string, objects: Array<{ oid: string; size: number }>, signal?: AbortSignal): Promise<BatchObject[]> {
  const answer = await api<{ objects: BatchObject[] }>(`${repoUrlPath(type, id)}.git/info/lfs/objects/batch`, {
    method: "POST",
    body: JSON.stringify({ operation: "upload", transfers: ["basic", "multipart"], hash_algo: "sha256", ref: { name: `refs/heads/${rev}` }, objects }),
    headers: { "Content-Type": "application/vnd.git-lfs+json", Accept: "application/vnd.git-lfs+json" },
    signal,
  });
  return answer.objects;
}

/**
 * Multipart LFS upload (hf-hub-protocol.md §5.5): `header.chunk_size` and one
 * signed URL per part number; each part is PUT, then the completion URL gets
 * `{oid, parts: [{partNumber, etag}]}`.
 */
async function multipartUpload(
  file: Blob,
  oid: string,
  upload: { href: string; header?: Record<string, string> },
  onSent: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const header = upload.header!;
  const chunk = Number(header.chunk_size);
  const partNumbers = Object.keys(header).filter((k) => /^\d+$/.test(k)).map(Number).sort((a, b) => a - b);
  const sentPerPart = new Map<number, number>();
  const total = () => [...sentPerPart.values()].reduce((a, b) => a + b, 0);
  const parts: Array<{ partNumber: number; etag: string }> = [];
  // A few parts at a time, like the clients: enough to fill the link, not to exhaust memory.
  const queue = [...partNumbers];
  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      const piece = file.slice((n - 1) * chunk, n * chunk);
      const res = await xhr("PUT", header[String(n)]!, piece, {
        headers: csrfHeaders(),
        onUpload: (sent) => {
          sentPerPart.set(n, sent);
          onSent(total());
        },
        signal,
      });
      sentPerPart.set(n, piece.size);
      onSent(total());
      parts.push({ partNumber: n, etag: res.getResponseHeader("ETag") ?? "" });
    }
  };
  await Promise.all(Array.from({ length: Math.min(3, partNumbers.length) }, worker));
  parts.sort((a, b) => a.partNumber - b.partNumber);
  await xhr("POST", upload.href, JSON.stringify({ oid, parts }), {
    headers: { "Content-Type": "application/json", Accept: "application/json", ...csrfHeaders() },
    signal,
  });
}

/**
 * Headers for a transfer link: those the batch answer gave, plus the CSRF
 * token (the browser sends the session cookie to our own origin, and the hub
 * asks any cookie-signed write to prove it came from the app).
 */
function transferHeaders(given?: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = { ...csrfHeaders() };
  for (const [k, v] of Object.entries(given ?? {})) if (!/^\d+$/.test(k) && k !== "chunk_size") headers[k] = v;
  return headers;
}

/** One request with upload progress; rejects with `ApiError` on a non-2xx answer. */
function xhr(
  method: string,
  url: string,
  body: XMLHttpRequestBodyInit,
  opts: { headers?: Record<string, string>; onUpload?: (sent: number) => void; signal?: AbortSignal } = {},
): Promise<XMLHttpRequest> {
  return new Promise((resolve, reject) => {
    const req = new XMLHttpRequest();
    req.open(method, url);
    for (const [k, v] of Object.entries(opts.headers ?? {})) req.setRequestHeader(k, v);
    if (opts.onUpload) req.upload.onprogress = (e) => opts.onUpload!(e.loaded);
    const abort = () => req.abort();
    opts.signal?.addEventListener("abort", abort, { once: true });
    req.onload = () => {
      opts.signal?.removeEventListener("abort", abort);
      if (req.status >= 200 && req.status < 300) return resolve(req);
      let message = req.getResponseHeader("X-Error-Message") ?? "";
      try {
        const parsed = JSON.parse(req.responseText) as { error?: string; message?: string };
        message = parsed.error ?? parsed.message ?? message;
      } catch {
        // keep the header
      }
      reject(new ApiError(req.status, req.getResponseHeader("X-Error-Code") ?? undefined, message || `${method} failed: ${req.status}`));
    };
    req.onerror = () => reject(new ApiError(0, undefined, "The connection to the hub was lost during the upload"));
    req.onabort = () => reject(new DOMException("Upload cancelled", "AbortError"));
    req.send(body);
  });
}
