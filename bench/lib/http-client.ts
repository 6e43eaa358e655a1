import { createReadStream } from "node:fs";
import net from "node:net";

/** Receive buffer, reused for every read: body bytes are counted, never kept. */
const receiveBuffer = Buffer.allocUnsafe(1 << 20);
/** Read size for upload bodies; matches the hub's own 1 MiB buffers. */
const uploadChunk = 1 << 20;
/** How much of a response body is kept for error messages. */
const keptBodyBytes = 4096;

interface Response {
  status: number;
  /** Body bytes received. */
  bodyBytes: number;
  /** The start of the body, for error messages. */
  bodyStart: string;
  /** Seconds from connecting to the end of the response. */
  seconds: number;
  /** Upload bytes read from the file and handed to the socket. */
  sentBytes: number;
}

/**
 * A deliberately minimal HTTP/1.1 client over `node:net`, used for every timed
 * transfer to the hub and to nginx alike. Node's own `http` client (and
 * `fetch`) allocate and parse every 64 KiB chunk and top out around 200-500
 * MiB/s here, below what the servers deliver, which would make every server
 * look equally fast. Reading into one reused buffer (`onread`) costs the
 * client close to nothing, so the servers set the pace.
 *
 * It sends `Connection: close` and reads until the server closes, so it needs
 * no body framing; the callers check the byte count.
 */
function exchange(
  url: string,
  method: "GET" | "PUT",
  headers: Record<string, string>,
  signal: AbortSignal,
  uploadFile?: string,
): Promise<Response> {
  const u = new URL(url);
  if (u.protocol !== "http:") throw new Error(`only http:// URLs are supported, not ${url}`);
  signal.throwIfAborted();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const head: Buffer[] = [];
    let headDone = false;
    let status = 0;
    let bodyBytes = 0;
    let bodyStart = "";
    let body: ReturnType<typeof createReadStream> | undefined;

    // The head is tiny and comes first; everything after it is body.
    const onBytes = (bytes: Buffer) => {
      if (headDone) {
        if (bodyStart.length < keptBodyBytes) bodyStart += bytes.subarray(0, keptBodyBytes).toString("latin1");
        bodyBytes += bytes.length;
        return;
      }
      head.push(Buffer.from(bytes));
      const all = Buffer.concat(head);
      const end = all.indexOf("\r\n\r\n");
      if (end < 0) return;
      headDone = true;
      status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(all.toString("latin1", 0, end))?.[1] ?? 0);
      if (all.length > end + 4) onBytes(all.subarray(end + 4));
    };

    const socket = net.connect({
      host: u.hostname,
      port: Number(u.port || 80),
      onread: { buffer: receiveBuffer, callback: (n) => (onBytes(receiveBuffer.subarray(0, n)), true) },
    });
    const abort = () => socket.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    signal.addEventListener("abort", abort, { once: true });
    socket.once("close", () => signal.removeEventListener("abort", abort));
    const finish = () => {
      socket.destroy();
      body?.destroy();
      resolve({ status, bodyBytes, bodyStart, seconds: (performance.now() - started) / 1000, sentBytes: body?.bytesRead ?? 0 });
    };
    socket.once("end", finish);
    // A server that refuses an upload answers and closes while we still send; its answer matters more than our EPIPE.
    socket.once("error", (err) => (headDone && !signal.aborted ? finish() : reject(err)));
    socket.once("connect", () => {
      const lines = [`${method} ${u.pathname}${u.search} HTTP/1.1`, `Host: ${u.host}`, "Connection: close"];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      socket.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (uploadFile === undefined) return;
      // pipe() keeps the socket open for the answer (end: false) and honours backpressure.
      body = createReadStream(uploadFile, { highWaterMark: uploadChunk });
      body.once("error", (err) => socket.destroy(err));
      body.pipe(socket, { end: false });
    });
  });
}

/**
 * Downloads `url`, discarding the body as it arrives; resolves with the
 * seconds from connecting to the last byte.
 */
export async function timedDownload(url: string, expectedBytes: number, signal: AbortSignal): Promise<number> {
  const res = await exchange(url, "GET", {}, signal);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${res.bodyStart}`);
  if (res.bodyBytes !== expectedBytes) throw new Error(`GET ${url}: received ${res.bodyBytes} bytes, expected ${expectedBytes}`);
  return res.seconds;
}

/**
 * PUTs `file` straight from disk (the way git-lfs streams an object) and
 * resolves with the seconds until the answer, which the hub sends only after
 * it has hashed and stored every byte.
 */
export async function timedUpload(url: string, file: string, size: number, headers: Record<string, string>, signal: AbortSignal): Promise<number> {
  const res = await exchange(url, "PUT", { "Content-Type": "application/octet-stream", "Content-Length": String(size), ...headers }, signal, file);
  if (res.status !== 200) throw new Error(`PUT answered ${res.status}: ${res.bodyStart}`);
  // An answer before the body was read would time a shortcut, not a transfer.
  if (res.sentBytes !== size) throw new Error(`PUT answered after only ${res.sentBytes} of ${size} bytes were sent`);
  return res.seconds;
}
