import type { ChildProcess } from "node:child_process";
import { PassThrough, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { FastifyReply } from "fastify";
import { DomainError } from "../../lib/domain-error.js";

const maxStderr = 16 * 1024;

/**
 * Runs a git service child against one HTTP exchange: the request body (gunzipped
 * when the client compressed it) goes to stdin, stdout becomes the response.
 * The status is chosen only once git has either written its first bytes (200)
 * or exited without output (400 with git's own complaint, e.g. a malformed
 * pkt-line), so broken input gets a clear 4xx rather than an empty 200.
 * A client that goes away kills the child.
 */
export async function pipeGit(
  reply: FastifyReply,
  child: ChildProcess,
  opts: { contentType: string; preamble?: string; input?: Readable; contentEncoding?: string },
): Promise<{ exit: Promise<number | null> }> {
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => {
    if (stderr.length < maxStderr) stderr += c.toString("utf8");
  });
  const exit = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  child.once("error", () => {}); // surfaced through `close` with a null code
  child.stdin!.on("error", () => {}); // git may stop reading early; its exit code tells

  if (opts.input) {
    const input = opts.contentEncoding === "gzip" ? opts.input.pipe(createGunzip()) : opts.input;
    input.on("error", () => child.kill("SIGTERM"));
    input.pipe(child.stdin!);
  } else {
    child.stdin!.end();
  }
  reply.raw.once("close", () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  });

  const first = await new Promise<Buffer | null>((resolve) => {
    const onData = (c: Buffer) => { cleanup(); resolve(c); };
    const onEnd = () => { cleanup(); resolve(null); };
    const cleanup = () => { child.stdout!.off("data", onData); child.stdout!.off("end", onEnd); };
    child.stdout!.on("data", onData);
    child.stdout!.once("end", onEnd);
  });
  if (first === null) {
    const code = await exit;
    if (code !== 0) {
      const reason = stderr.replace(/^(fatal|error): /gm, "").trim().split("\n")[0] || "git could not process the request";
      throw new DomainError("InvalidArgument", reason);
    }
  }
  child.stdout!.pause();
  const body = new PassThrough({ highWaterMark: 1 << 16 });
  if (opts.preamble) body.write(opts.preamble);
  if (first) body.write(first);
  child.stdout!.pipe(body);
  reply
    .code(200)
    .header("Content-Type", opts.contentType)
    .header("Cache-Control", "no-cache, max-age=0, must-revalidate")
    .header("Expires", "Fri, 01 Jan 1980 00:00:00 GMT")
    .header("Pragma", "no-cache");
  await reply.send(body);
  return { exit };
}
