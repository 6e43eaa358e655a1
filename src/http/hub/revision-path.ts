import { DomainError } from "../../lib/domain-error.js";

/**
 * Splits the raw (still percent-encoded) tail of `/resolve/…`, `/tree/…` and
 * the like into a revision and a path (hf-hub-protocol.md §1.4):
 * - Python and JS encode `refs/pr/1` as `refs%2Fpr%2F1`, so `%2F` stays inside
 *   the revision segment;
 * - JS `listFiles`/`listCommits` send `refs/pr/1` raw, so a literal `refs`
 *   segment takes the next two segments with it;
 * - each path segment is decoded on its own (Python's tree calls encode `/` in
 *   the path as `%2F`, which decodes back to a separator).
 */
export function splitRevisionAndPath(rawTail: string): { revision: string; path: string } {
  const tail = rawTail.split("?", 1)[0]!;
  const segments = tail.split("/");
  let revSegments = 1;
  if (segments[0] === "refs" && segments.length >= 3) revSegments = 3;
  if (!tail.includes("%")) {
    // Nothing to decode (the usual `main/config.json`): the same answer without a decode per segment.
    const cut = revSegments === 1 ? tail.indexOf("/") : segments[0]!.length + segments[1]!.length + segments[2]!.length + 2;
    if (cut < 0) return { revision: tail, path: "" };
    return { revision: tail.slice(0, cut), path: tail.slice(cut + 1).replace(/\/+$/, "") };
  }
  const revision = segments.slice(0, revSegments).map(decode).join("/");
  const path = segments.slice(revSegments).map(decode).join("/");
  return { revision, path: path.replace(/\/+$/, "") };
}

/**
 * The part of the raw URL after `prefix` (e.g. `/alice/model/resolve/`), still
 * encoded. Namespaces and names never need encoding, so the prefix built from
 * the decoded route params matches the raw URL.
 */
export function rawTailAfter(rawUrl: string, prefix: string): string {
  const pathOnly = rawUrl.split("?", 1)[0]!;
  return pathOnly.startsWith(prefix) ? pathOnly.slice(prefix.length) : "";
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new DomainError("InvalidArgument", `malformed percent-encoding in '${segment.slice(0, 100)}'`);
  }
}
