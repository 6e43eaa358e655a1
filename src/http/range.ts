import type { ByteRange } from "../lib/storage/blob-store.js";

/**
 * Parses a single-range `Range: bytes=…` header (RFC 9110 §14.1.2) against a
 * resource of `size` bytes. `undefined` means serve the whole body (no header,
 * a multi-range or a unit we do not serve); `"unsatisfiable"` means 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | "unsatisfiable" | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, from = "", to = ""] = m;
  if (from === "" && to === "") return undefined;
  if (from === "") {
    const suffix = Number(to);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}
