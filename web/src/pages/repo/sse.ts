/**
 * Server-sent events as the OpenAI API streams them: `data: {json}` events
 * separated by blank lines, ending with `data: [DONE]`. Yields each event's
 * data; an `{"error": …}` event becomes a thrown error, as the official
 * clients do.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      if (signal?.aborted) return;
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = nextBoundary(buffer)) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut).replace(/^(\r?\n){2}/, "");
        const data = dataOf(event);
        if (data === undefined) continue;
        if (data === "[DONE]") return;
        const parsed = JSON.parse(data) as { error?: { message?: string } };
        if (parsed && typeof parsed === "object" && parsed.error) throw new Error(parsed.error.message ?? "the model failed");
        yield parsed;
      }
    }
    const rest = dataOf(buffer);
    if (rest && rest !== "[DONE]") yield JSON.parse(rest);
  } finally {
    reader.releaseLock();
  }
}

function nextBoundary(buffer: string): number {
  const lf = buffer.indexOf("\n\n");
  const crlf = buffer.indexOf("\r\n\r\n");
  if (lf < 0) return crlf;
  if (crlf < 0) return lf;
  return Math.min(lf, crlf);
}

/** The `data:` lines of one event, joined; undefined for comments and empty events. */
function dataOf(event: string): string | undefined {
  const lines = event.split(/\r?\n/).filter((l) => l.startsWith("data:"));
  if (lines.length === 0) return undefined;
  return lines.map((l) => l.slice(5).replace(/^ /, "")).join("\n");
}
