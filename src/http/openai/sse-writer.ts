import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * A server-sent event stream on a hijacked reply: headers (with those hooks
 * already set, such as `X-Request-Id` and CORS) go out with the first write,
 * writes wait for the socket to drain, and nothing is written once the
 * client is gone.
 */
export class SseWriter {
  private started = false;

  constructor(
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {}

  get closed(): boolean {
    return this.reply.raw.destroyed || this.reply.raw.writableEnded;
  }

  async write(text: string): Promise<void> {
    const raw = this.reply.raw;
    if (this.closed) return;
    if (!this.started) {
      this.started = true;
      this.reply.hijack();
      const headers = { ...this.reply.getHeaders() } as Record<string, string | string[] | number>;
      raw.writeHead(200, {
        ...headers,
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        connection: "keep-alive",
        // Reverse proxies (nginx) must not buffer the stream.
        "x-accel-buffering": "no",
      });
    }
    if (!raw.write(text)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          raw.off("drain", done);
          raw.off("close", done);
          resolve();
        };
        raw.on("drain", done);
        raw.on("close", done);
      });
    }
  }

  end(): void {
    if (!this.reply.raw.writableEnded) this.reply.raw.end();
    this.request.log.debug("event stream ended");
  }
}

/**
 * An abort signal that fires when the client disconnects before the answer
 * is complete (so generation stops and its sequence is freed at once), and a
 * function to call when the answer is complete.
 */
export function clientGone(reply: FastifyReply): { signal: AbortSignal; finished: () => void } {
  const controller = new AbortController();
  let finished = false;
  const onClose = () => {
    if (!finished && !reply.raw.writableFinished) controller.abort(new Error("client disconnected"));
  };
  reply.raw.once("close", onClose);
  return {
    signal: controller.signal,
    finished: () => {
      finished = true;
      reply.raw.off("close", onClose);
    },
  };
}
