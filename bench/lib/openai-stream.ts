import http from "node:http";

/** What one streamed `/v1/completions` request gave, timed on arrival of each event. */
export interface StreamResult {
  /** Milliseconds from sending the request to the first event with text. */
  ttftMs: number;
  /** Milliseconds from sending the request to the last event with text. */
  lastTextMs: number;
  /** Milliseconds from sending the request to the end of the response. */
  totalMs: number;
  /** Events that carried text. */
  textEvents: number;
  /** `usage.completion_tokens`, when the server sent usage. */
  completionTokens: number | undefined;
  promptTokens: number | undefined;
  finishReason: string | undefined;
  text: string;
}

/**
 * One streamed OpenAI completion request over `node:http`: the same code and
 * the same connection handling (the caller's agent) for every server, so the
 * figures compare servers, not clients. At a few hundred small events per
 * second the client costs next to nothing.
 */
export function streamCompletion(
  baseUrl: string,
  body: Record<string, unknown>,
  opts: { token?: string; agent: http.Agent; signal: AbortSignal },
): Promise<StreamResult> {
  opts.signal.throwIfAborted();
  const url = new URL(`${baseUrl}/v1/completions`);
  const payload = JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } });
  return new Promise((resolve, reject) => {
    let started = 0;
    const result: StreamResult = {
      ttftMs: NaN, lastTextMs: NaN, totalMs: NaN, textEvents: 0,
      completionTokens: undefined, promptTokens: undefined, finishReason: undefined, text: "",
    };
    let pending = "";
    let sawDone = false;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      req.destroy();
      reject(err);
    };
    const onEvent = (data: string, now: number) => {
      if (data === "[DONE]") {
        sawDone = true;
        return;
      }
      let event: {
        choices?: { text?: string; finish_reason?: string | null }[];
        usage?: { completion_tokens?: number; prompt_tokens?: number } | null;
        error?: { message?: string };
      };
      try {
        event = JSON.parse(data) as typeof event;
      } catch {
        fail(new Error(`${url.host}: not JSON in the event stream: ${data.slice(0, 200)}`));
        return;
      }
      if (event.error) {
        fail(new Error(`${url.host}: error in the event stream: ${event.error.message ?? JSON.stringify(event.error)}`));
        return;
      }
      const choice = event.choices?.[0];
      if (choice?.text) {
        if (result.textEvents === 0) result.ttftMs = now - started;
        result.lastTextMs = now - started;
        result.textEvents++;
        result.text += choice.text;
      }
      if (choice?.finish_reason) result.finishReason = choice.finish_reason;
      if (event.usage) {
        result.completionTokens = event.usage.completion_tokens;
        result.promptTokens = event.usage.prompt_tokens;
      }
    };
    const headers: Record<string, string> = { "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const req = http.request(url, { method: "POST", headers, agent: opts.agent, signal: opts.signal }, (res) => {
      res.setEncoding("utf8");
      if (res.statusCode !== 200) {
        let text = "";
        res.on("data", (s: string) => (text += s));
        res.on("end", () => fail(new Error(`${url.host}: POST ${url.pathname} answered ${res.statusCode}: ${text.slice(0, 500)}`)));
        return;
      }
      res.on("data", (s: string) => {
        const now = performance.now();
        pending += s;
        // Events are separated by a blank line; each of ours is one `data:` line.
        let end: number;
        while ((end = pending.search(/\r?\n\r?\n/)) >= 0) {
          const block = pending.slice(0, end);
          pending = pending.slice(end).replace(/^\r?\n\r?\n/, "");
          for (const line of block.split(/\r?\n/)) if (line.startsWith("data:")) onEvent(line.slice(5).trim(), now);
        }
      });
      res.on("end", () => {
        if (failed) return;
        result.totalMs = performance.now() - started;
        if (!sawDone) fail(new Error(`${url.host}: the event stream ended without data: [DONE]`));
        else if (result.textEvents === 0) fail(new Error(`${url.host}: the event stream carried no text`));
        else resolve(result);
      });
      res.on("error", (err) => fail(err));
    });
    req.on("socket", (socket) => socket.setNoDelay(true));
    req.on("error", (err) => fail(err));
    started = performance.now();
    req.end(payload);
  });
}
