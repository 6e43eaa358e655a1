import { createReadStream } from "node:fs";
import http from "node:http";
import { pipeline } from "node:stream/promises";

/** Read size for upload bodies; matches the hub's own 1 MiB buffers. */
const uploadChunk = 1 << 20;

/**
 * Downloads `url` and throws the bytes away as they arrive; resolves with the
 * seconds from sending the request to the last byte. The hub and nginx are
 * both measured with this one client, so its own cost weighs on both alike.
 * A fresh connection per request (`agent: false`) keeps runs independent.
 */
export function timedDownload(url: string, expectedBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${url} answered ${res.statusCode}`));
        return;
      }
      let received = 0;
      res.on("data", (chunk: Buffer) => (received += chunk.length));
      res.once("error", reject);
      res.once("end", () => {
        const seconds = (performance.now() - started) / 1000;
        if (received === expectedBytes) resolve(seconds);
        else reject(new Error(`GET ${url}: received ${received} bytes, expected ${expectedBytes}`));
      });
    });
    req.once("error", reject);
  });
}

/**
 * PUTs `file` to `url` straight from disk (the way git-lfs streams an object)
 * and resolves with the seconds until the server's answer has arrived, which
 * the hub sends only after it has hashed and stored every byte.
 */
export async function timedUpload(url: string, file: string, size: number, headers: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  const body = createReadStream(file, { highWaterMark: uploadChunk });
  const req = http.request(url, {
    method: "PUT",
    agent: false,
    headers: { "content-type": "application/octet-stream", "content-length": String(size), ...headers },
  });
  const answered = new Promise<void>((resolve, reject) => {
    req.once("response", (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (s: string) => (text += s));
      res.once("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`PUT answered ${res.statusCode}: ${text}`))));
    });
    req.once("error", reject);
  });
  // When both fail, the server's answer says more than the broken pipe it caused.
  let sendError: unknown;
  await Promise.all([pipeline(body, req).catch((err: unknown) => (sendError = err)), answered]);
  if (sendError !== undefined) throw sendError;
  const seconds = (performance.now() - started) / 1000;
  // An answer before the body was read would time a shortcut, not a transfer.
  if (body.bytesRead !== size) throw new Error(`PUT answered after only ${body.bytesRead} of ${size} bytes were sent`);
  return seconds;
}
