import type { Readable } from "node:stream";

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Content-addressed storage of LFS objects, keyed by sha256 hex (`oid`).
 * The filesystem store is the embedded default; an S3-compatible store
 * implements the same contract (tested by the same `describeBlobStore` suite).
 */
export interface BlobStore {
  /** The stored object's size, or undefined when it is not stored. */
  stat(oid: string): Promise<{ size: number } | undefined>;
  /**
   * Streams `body` in as `oid`. The sha256 and size are checked while the bytes
   * arrive; the object becomes visible only when both match, and a failed,
   * mismatched or aborted upload leaves nothing behind. Throws a `DomainError`
   * (`InvalidArgument`) on a mismatch. Storing an object that exists is a no-op
   * once the bytes are verified.
   */
  put(oid: string, size: number, body: Readable): Promise<void>;
  /** Streams an object, whole or one byte range. Throws `NotFound` when absent. */
  read(oid: string, range?: ByteRange): Promise<Readable>;
  /** Removes an object; absent objects are ignored. */
  delete(oid: string): Promise<void>;
}

/** An LFS object id: lowercase sha256 hex. */
export const oidPattern = /^[0-9a-f]{64}$/;
