import { DomainError } from "./domain-error.js";

/**
 * Reads newline-delimited JSON (one JSON value a line) from a byte stream,
 * one line at a time, so only the current line is ever held. Blank lines are
 * skipped and the last line needs no trailing newline (huggingface_hub ends
 * every line with `\n`, @huggingface/hub joins them with `\n`).
 * A line longer than `maxLineBytes` is refused with `TooLarge`; a line that is
 * not JSON with `InvalidArgument` naming its line number.
 */
export async function* readNdjson(
  body: AsyncIterable<Buffer | string>,
  opts: { maxLineBytes: number },
): AsyncGenerator<{ line: number; value: unknown }> {
  let parts: Buffer[] = [];
  let held = 0;
  let lineNo = 0;
  const parse = (bytes: Buffer) => {
    lineNo++;
    const text = bytes.toString("utf8").trim();
    if (text === "") return undefined;
    try {
      return { line: lineNo, value: JSON.parse(text) as unknown };
    } catch (err) {
      throw new DomainError("InvalidArgument", `line ${lineNo} of the NDJSON body is not valid JSON: ${(err as Error).message}`);
    }
  };
  const tooLong = () =>
    new DomainError("TooLarge", `line ${lineNo + 1} of the NDJSON body is longer than ${opts.maxLineBytes} bytes; upload large files through LFS`);

  for await (const raw of body) {
    let chunk = typeof raw === "string" ? Buffer.from(raw) : raw;
    for (;;) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        held += chunk.length;
        if (held > opts.maxLineBytes) throw tooLong();
        if (chunk.length > 0) parts.push(chunk);
        break;
      }
      if (held + nl > opts.maxLineBytes) throw tooLong();
      parts.push(chunk.subarray(0, nl));
      const line = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      parts = [];
      held = 0;
      chunk = chunk.subarray(nl + 1);
      const parsed = parse(line);
      if (parsed) yield parsed;
    }
  }
  if (held > 0) {
    const parsed = parse(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    if (parsed) yield parsed;
  }
}
