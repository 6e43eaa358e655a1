/**
 * git-lfs pointer files (`git-lfs/docs/spec.md`): the small text blob git
 * stores in place of a large file.
 *
 *   version https://git-lfs.github.com/spec/v1
 *   oid sha256:<64 hex>
 *   size <bytes>
 */

/** git-lfs never treats a blob of this size or more as a pointer (`blobSizeCutoff` in git-lfs). */
export const maxPointerSize = 1024;

export interface LfsPointer {
  /** sha256 of the content, lowercase hex. */
  oid: string;
  /** Size of the content in bytes. */
  size: number;
}

const versions = new Set(["https://git-lfs.github.com/spec/v1", "https://hawser.github.com/spec/v1"]);

/**
 * The pointer a blob holds, or undefined when the blob is a regular file.
 * Follows the spec's parsing rules: `key value` lines ending in LF, `version`
 * first, the other keys sorted, `oid` and `size` required; `ext-…` lines allowed.
 */
export function parseLfsPointer(blob: Buffer | string): LfsPointer | undefined {
  const size = typeof blob === "string" ? Buffer.byteLength(blob) : blob.length;
  if (size === 0 || size >= maxPointerSize) return undefined;
  const text = typeof blob === "string" ? blob : blob.toString("utf8");
  if (!text.startsWith("version ") || !text.endsWith("\n")) return undefined;
  const lines = text.slice(0, -1).split("\n");
  const fields = new Map<string, string>();
  let previous = "";
  for (const [i, line] of lines.entries()) {
    const m = /^([a-z0-9.-]+) (.+)$/.exec(line);
    if (!m) return undefined;
    const [, key, value] = m as unknown as [string, string, string];
    if (i > 0 && (key === "version" || key <= previous || fields.has(key))) return undefined;
    if (i > 0) previous = key;
    fields.set(key, value);
  }
  if (!versions.has(fields.get("version") ?? "")) return undefined;
  const oid = /^sha256:([0-9a-f]{64})$/.exec(fields.get("oid") ?? "")?.[1];
  const sizeText = fields.get("size") ?? "";
  if (!oid || !/^(0|[1-9][0-9]{0,15})$/.test(sizeText)) return undefined;
  const contentSize = Number(sizeText);
  if (!Number.isSafeInteger(contentSize)) return undefined;
  return { oid, size: contentSize };
}

/** The canonical pointer text for an object, as `git lfs` writes it. */
export function formatLfsPointer(p: LfsPointer): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${p.oid}\nsize ${p.size}\n`;
}
