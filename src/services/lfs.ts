import type { Readable } from "node:stream";
import type { Db } from "../db/connect.js";
import { findLinkedLfsObjects, recordLfsObject } from "../db/queries/lfs-objects.js";
import { DomainError } from "../lib/domain-error.js";
import { repoUrlPrefix } from "../lib/repo-names.js";
import type { UrlSigner } from "../lib/secrets.js";
import { type BlobStore, type ByteRange, oidPattern } from "../lib/storage/blob-store.js";
import type { Principal } from "./principal.js";
import type { Repo, RepoRef, RepoService } from "./repos.js";

/** Most objects one batch request may name (git-lfs sends 100 at a time). */
const maxBatchObjects = 1000;

export type LfsOperation = "upload" | "download";

export interface BatchObjectResult {
  oid: string;
  size: number;
  authenticated?: boolean;
  actions?: Record<string, { href: string; expires_in: number; header?: Record<string, string> }>;
  error?: { code: number; message: string };
}

export interface BatchResult {
  transfer: "basic";
  hash_algo: "sha256";
  objects: BatchObjectResult[];
}

/** The query of a signed transfer URL. */
export interface SignedQuery {
  exp?: unknown;
  sig?: unknown;
}

/**
 * The git-lfs batch API (`git-lfs/docs/api/batch.md`) over a `BlobStore`.
 * Transfers go to signed, short-lived URLs so clients that PUT without an
 * `Authorization` header (huggingface_hub, @huggingface/hub) work too.
 * An object is served through a repo only once it is linked to that repo,
 * which happens when its bytes are uploaded to it: knowing an oid is never
 * enough to read an object from another repo.
 */
export class LfsService {
  constructor(
    private readonly db: Db,
    private readonly repos: RepoService,
    private readonly store: BlobStore,
    private readonly signer: UrlSigner,
    private readonly opts: { urlTtlSeconds: number; maxObjectSize: number },
  ) {}

  async batch(p: Principal, ref: RepoRef, body: unknown, baseUrl: string): Promise<BatchResult> {
    const req = parseBatchRequest(body);
    const repo = req.operation === "upload" ? await this.repos.findWritable(p, ref) : await this.repos.findReadable(p, ref);
    const linked = await findLinkedLfsObjects(this.db, repo.row.id, [...new Set(req.objects.map((o) => o.oid))]);
    const exp = Math.floor(Date.now() / 1000) + this.opts.urlTtlSeconds;
    const lfsBase = `${baseUrl}/${repoUrlPrefix[repo.type]}${repo.id}.git/info/lfs`;
    const objects = req.objects.map(({ oid, size }): BatchObjectResult => {
      const have = linked.get(oid);
      if (req.operation === "download") {
        if (have === undefined) return { oid, size, error: { code: 404, message: "Object does not exist" } };
        const href = `${lfsBase}/objects/${oid}?${this.signedQuery(["download", repo.row.id, oid], exp)}`;
        return { oid, size: have, authenticated: true, actions: { download: { href, expires_in: this.opts.urlTtlSeconds } } };
      }
      if (have === size) return { oid, size };
      if (size > this.opts.maxObjectSize) {
        return { oid, size, error: { code: 422, message: `Object is larger than the ${this.opts.maxObjectSize} bytes this hub accepts` } };
      }
      const upload = `${lfsBase}/objects/${oid}?size=${size}&${this.signedQuery(["upload", repo.row.id, oid, size], exp)}`;
      const verify = `${lfsBase}/verify?${this.signedQuery(["verify", repo.row.id], exp)}`;
      return {
        oid,
        size,
        authenticated: true,
        actions: {
          upload: { href: upload, expires_in: this.opts.urlTtlSeconds },
          verify: { href: verify, expires_in: this.opts.urlTtlSeconds },
        },
      };
    });
    return { transfer: "basic", hash_algo: "sha256", objects };
  }

  /**
   * Stores the body of a signed upload. The bytes are hashed while they stream
   * to a temp file, and the object is visible and linked only when they match.
   */
  async upload(ref: RepoRef, oid: string, query: SignedQuery & { size?: unknown }, declaredLength: number | undefined, body: Readable): Promise<void> {
    const size = Number(query.size);
    if (!oidPattern.test(oid) || !Number.isSafeInteger(size) || size < 0) throw invalidLink();
    const repo = await this.checkSigned(ref, "upload", [oid, size], query);
    if (declaredLength !== undefined && declaredLength !== size) {
      throw new DomainError("InvalidArgument", `size mismatch: expected ${size} bytes, Content-Length is ${declaredLength}`);
    }
    await this.store.put(oid, size, body);
    await recordLfsObject(this.db, repo.row.id, oid, size);
  }

  /** Confirms an upload landed (`verify` action): the object must be linked with this size. */
  async verify(ref: RepoRef, query: SignedQuery, body: unknown): Promise<void> {
    const repo = await this.checkSigned(ref, "verify", [], query);
    const { oid, size } = (body ?? {}) as { oid?: unknown; size?: unknown };
    if (typeof oid !== "string" || !oidPattern.test(oid) || !Number.isSafeInteger(size)) {
      throw new DomainError("InvalidArgument", "verify needs a sha256 'oid' and an integer 'size'");
    }
    const linked = await findLinkedLfsObjects(this.db, repo.row.id, [oid]);
    if (linked.get(oid) !== size) throw new DomainError("NotFound", "Object does not exist");
  }

  /**
   * Opens an object for download, through a signed link or the caller's read
   * access to a repo the object is linked to.
   */
  async download(
    p: Principal,
    ref: RepoRef,
    oid: string,
    query: SignedQuery,
  ): Promise<{ size: number; open: (range?: ByteRange) => Promise<Readable> }> {
    if (!oidPattern.test(oid)) throw new DomainError("NotFound", "Object does not exist");
    const repo = query.sig !== undefined
      ? await this.checkSigned(ref, "download", [oid], query)
      : await this.repos.findReadable(p, ref);
    const size = (await findLinkedLfsObjects(this.db, repo.row.id, [oid])).get(oid);
    if (size === undefined) throw new DomainError("NotFound", "Object does not exist");
    return { size, open: (range) => this.store.read(oid, range) };
  }

  private signedQuery(fields: (string | number)[], exp: number): string {
    return `exp=${exp}&sig=${this.signer.sign([...fields, exp].join("\n"))}`;
  }

  /**
   * Checks a signed link: not expired, and signed by us for this operation,
   * these fields and this repo (by row id, so a deleted and re-created repo
   * does not inherit old links). The signature is the authority; no principal.
   */
  private async checkSigned(ref: RepoRef, op: string, fields: (string | number)[], query: SignedQuery): Promise<Repo> {
    const exp = Number(query.exp);
    if (!Number.isSafeInteger(exp) || typeof query.sig !== "string") throw invalidLink();
    if (exp < Date.now() / 1000) throw new DomainError("Unauthenticated", "This transfer link has expired; ask the batch API for a new one");
    const repo = await this.repos.findUnchecked(ref);
    if (!repo || !this.signer.verify([op, repo.row.id, ...fields, exp].join("\n"), query.sig)) throw invalidLink();
    return repo;
  }
}

function invalidLink(): DomainError {
  return new DomainError("Unauthenticated", "Invalid or tampered transfer link");
}

interface BatchRequest {
  operation: LfsOperation;
  objects: { oid: string; size: number }[];
}

/** Validates a batch request body; every field a client sends is checked before it is used. */
function parseBatchRequest(body: unknown): BatchRequest {
  if (typeof body !== "object" || body === null) throw new DomainError("InvalidArgument", "batch request must be a JSON object");
  const b = body as Record<string, unknown>;
  if (b.operation !== "upload" && b.operation !== "download") {
    throw new DomainError("InvalidArgument", "operation must be 'upload' or 'download'");
  }
  if (b.transfers !== undefined && !(Array.isArray(b.transfers) && b.transfers.includes("basic"))) {
    throw new DomainError("InvalidArgument", "this server offers only the 'basic' transfer adapter");
  }
  if (b.hash_algo !== undefined && b.hash_algo !== "sha256" && b.hash_algo !== "sha_256") {
    throw new DomainError("Conflict", "this server supports only the sha256 hash algorithm");
  }
  if (!Array.isArray(b.objects) || b.objects.length === 0 || b.objects.length > maxBatchObjects) {
    throw new DomainError("InvalidArgument", `objects must be an array of 1 to ${maxBatchObjects} objects`);
  }
  const objects = b.objects.map((o: unknown, i: number) => {
    const { oid, size } = (o ?? {}) as { oid?: unknown; size?: unknown };
    if (typeof oid !== "string" || !oidPattern.test(oid)) {
      throw new DomainError("InvalidArgument", `objects[${i}].oid must be a lowercase sha256 hex string`);
    }
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
      throw new DomainError("InvalidArgument", `objects[${i}].size must be a non-negative integer`);
    }
    return { oid, size };
  });
  return { operation: b.operation, objects };
}
