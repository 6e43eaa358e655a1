import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Readable } from "node:stream";
import type { Db } from "../db/connect.js";
import { findLinkedLfsObjects, recordLfsObject } from "../db/queries/lfs-objects.js";
import { DomainError } from "../lib/domain-error.js";
import { repoUrlPrefix } from "../lib/repo-names.js";
import type { UrlSigner } from "../lib/secrets.js";
import { type BlobStore, type ByteRange, oidPattern } from "../lib/storage/blob-store.js";
import { MultipartStaging, type PartLayout, partCount, partLength } from "../lib/storage/multipart-staging.js";
import type { AccountService } from "./accounts.js";
import { anonymous, type Principal } from "./principal.js";
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
  transfer: "basic" | "multipart";
  hash_algo: "sha256";
  objects: BatchObjectResult[];
}

/** The query of a signed transfer URL. */
export interface SignedQuery {
  exp?: unknown;
  sig?: unknown;
  /** Download links: the credential they were issued to (`credentialTag`). */
  by?: unknown;
}

/** The query of a signed multipart part or completion URL. */
export interface MultipartQuery extends SignedQuery {
  size?: unknown;
  chunk?: unknown;
}

export interface LfsOptions {
  urlTtlSeconds: number;
  maxObjectSize: number;
  /** Part size of multipart uploads; larger objects are offered multipart. */
  multipartChunkSize: number;
  /** Where parts wait for their completion call (`<data>/tmp`). */
  tmpDir: string;
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
  private readonly staging: MultipartStaging;

  constructor(
    private readonly db: Db,
    private readonly repos: RepoService,
    private readonly store: BlobStore,
    private readonly signer: UrlSigner,
    private readonly accounts: AccountService,
    private readonly opts: LfsOptions,
  ) {
    // A folder untouched for two link lifetimes can no longer be completed: its links have expired.
    this.staging = new MultipartStaging(path.join(opts.tmpDir, "multipart"), 2 * opts.urlTtlSeconds * 1000);
  }

  async batch(p: Principal, ref: RepoRef, body: unknown, baseUrl: string): Promise<BatchResult> {
    const req = parseBatchRequest(body);
    // Multipart only for clients that offer it (huggingface_hub, @huggingface/hub; never plain git-lfs) and
    // only when an object needs it. The batch then answers `transfer: "multipart"` and every upload in it
    // gets the multipart form: git-lfs hands such a batch to the `multipart` custom transfer agent of
    // `hf lfs-enable-largefiles`, which reads `chunk_size` from every object.
    const multipart =
      req.operation === "upload" &&
      req.transfers.includes("multipart") &&
      req.objects.some((o) => o.size > this.opts.multipartChunkSize && o.size <= this.opts.maxObjectSize);
    const repo = req.operation === "upload" ? await this.repos.findWritable(p, ref) : await this.repos.findContentReadable(p, ref);
    const linked = await findLinkedLfsObjects(this.db, repo.row.id, [...new Set(req.objects.map((o) => o.oid))]);
    const exp = Math.floor(Date.now() / 1000) + this.opts.urlTtlSeconds;
    const lfsBase = `${baseUrl}/${repoUrlPrefix[repo.type]}${repo.id}.git/info/lfs`;
    // The same object named twice (two paths with the same content) is answered, and uploaded, once.
    const unique = [...new Map(req.objects.map((o) => [`${o.oid}/${o.size}`, o])).values()];
    const objects = unique.map(({ oid, size }): BatchObjectResult => {
      const have = linked.get(oid);
      if (req.operation === "download") {
        if (have === undefined) return { oid, size, error: { code: 404, message: "Object does not exist" } };
        const by = credentialTag(p);
        const href = `${lfsBase}/objects/${oid}?by=${by}&${this.signedQuery(["download", repo.row.id, oid, by], exp)}`;
        return { oid, size: have, authenticated: true, actions: { download: { href, expires_in: this.opts.urlTtlSeconds } } };
      }
      if (have === size) return { oid, size };
      if (size > this.opts.maxObjectSize) {
        return { oid, size, error: { code: 422, message: `Object is larger than the ${this.opts.maxObjectSize} bytes this hub accepts` } };
      }
      const upload = multipart
        ? this.multipartAction(lfsBase, repo.row.id, oid, size, exp)
        : { href: `${lfsBase}/objects/${oid}?size=${size}&${this.signedQuery(["upload", repo.row.id, oid, size], exp)}`, expires_in: this.opts.urlTtlSeconds };
      const verify = `${lfsBase}/verify?${this.signedQuery(["verify", repo.row.id], exp)}`;
      return {
        oid,
        size,
        authenticated: true,
        actions: { upload, verify: { href: verify, expires_in: this.opts.urlTtlSeconds } },
      };
    });
    if (multipart) void this.staging.sweep();
    return { transfer: multipart ? "multipart" : "basic", hash_algo: "sha256", objects };
  }

  /**
   * A multipart upload action (hf-hub-protocol.md §5.5 "Multipart"): `href` is
   * the signed completion URL and `header` holds `chunk_size` and one signed
   * PUT URL per part, keyed by part number, as huggingface_hub and
   * @huggingface/hub read them (they send no `Authorization` on either).
   */
  private multipartAction(lfsBase: string, repoRowId: number, oid: string, size: number, exp: number) {
    const chunk = this.opts.multipartChunkSize;
    const upload = randomBytes(8).toString("hex");
    const base = `${lfsBase}/multipart/${oid}/${upload}`;
    const layoutQuery = `size=${size}&chunk=${chunk}`;
    const header: Record<string, string> = { chunk_size: String(chunk) };
    for (let n = 1; n <= partCount({ size, chunkSize: chunk }); n++) {
      header[String(n)] = `${base}/${n}?${layoutQuery}&${this.signedQuery(["part", repoRowId, oid, size, chunk, upload, n], exp)}`;
    }
    const href = `${base}?${layoutQuery}&${this.signedQuery(["complete", repoRowId, oid, size, chunk, upload], exp)}`;
    return { href, header, expires_in: this.opts.urlTtlSeconds };
  }

  /** Stores one part of a multipart upload (signed link, no credentials) and returns its ETag. */
  async uploadPart(
    ref: RepoRef,
    params: { oid: string; upload: string; part: string },
    query: MultipartQuery,
    declaredLength: number | undefined,
    body: Readable,
  ): Promise<string> {
    if (!/^[1-9][0-9]{0,5}$/.test(params.part)) throw invalidLink();
    const n = Number(params.part);
    const { layout, upload } = await this.checkMultipart(ref, params, query, "part", [n]);
    if (n > partCount(layout)) throw invalidLink();
    if (declaredLength !== undefined && declaredLength !== partLength(layout, n)) {
      throw new DomainError("InvalidArgument", `part ${n} must be ${partLength(layout, n)} bytes, Content-Length is ${declaredLength}`);
    }
    return this.staging.writePart(upload, layout, n, body);
  }

  /**
   * Completes a multipart upload: `{oid, parts: [{partNumber, etag}]}` naming
   * every part once. The parts are streamed in order into the blob store,
   * which checks the object's sha256 and size; the object is then linked to
   * the repo. The parts are removed whether it worked or not.
   */
  async completeMultipart(ref: RepoRef, params: { oid: string; upload: string }, query: MultipartQuery, body: unknown): Promise<void> {
    const { repo, layout, upload } = await this.checkMultipart(ref, params, query, "complete", []);
    try {
      const etags = parseCompletion(body, params.oid, partCount(layout));
      await this.store.put(params.oid, layout.size, await this.staging.join(upload, layout, etags));
      await recordLfsObject(this.db, repo.row.id, params.oid, layout.size);
    } finally {
      await this.staging.discard(upload);
    }
  }

  /**
   * Checks a multipart link: its shape, its expiry and its signature over the
   * operation, repo, oid, layout, upload id and `extra` (the part number).
   * Returns the repo, the upload's layout and its staging id.
   */
  private async checkMultipart(
    ref: RepoRef,
    params: { oid: string; upload: string },
    query: MultipartQuery,
    op: "part" | "complete",
    extra: number[],
  ): Promise<{ repo: Repo; layout: PartLayout; upload: string }> {
    const size = Number(query.size);
    const chunkSize = Number(query.chunk);
    if (!oidPattern.test(params.oid) || !/^[0-9a-f]{16}$/.test(params.upload)) throw invalidLink();
    if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(chunkSize) || chunkSize < 1) throw invalidLink();
    const repo = await this.checkSigned(ref, op, [params.oid, size, chunkSize, params.upload, ...extra], query);
    return { repo, layout: { size, chunkSize }, upload: `${repo.row.id}-${params.oid}-${params.upload}` };
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
   * access to a repo the object is linked to. A link to a private or gated
   * repo's object is honoured only while the credential it was issued to may
   * still read the files: a revoked token, a rejected access request or a
   * removed member closes links handed out before.
   */
  async download(
    p: Principal,
    ref: RepoRef,
    oid: string,
    query: SignedQuery,
  ): Promise<{ size: number; open: (range?: ByteRange) => Promise<Readable> }> {
    if (!oidPattern.test(oid)) throw new DomainError("NotFound", "Object does not exist");
    const repo = query.sig !== undefined ? await this.checkSignedDownload(ref, oid, query) : await this.repos.findContentReadable(p, ref);
    const size = (await findLinkedLfsObjects(this.db, repo.row.id, [oid])).get(oid);
    if (size === undefined) throw new DomainError("NotFound", "Object does not exist");
    return { size, open: (range) => this.store.read(oid, range) };
  }

  private async checkSignedDownload(ref: RepoRef, oid: string, query: SignedQuery): Promise<Repo> {
    const by = typeof query.by === "string" ? query.by : "";
    const repo = await this.checkSigned(ref, "download", [oid, by], query);
    if (!repo.row.private && repo.row.gated !== "auto" && repo.row.gated !== "manual") return repo;
    const credential = parseCredentialTag(by);
    const issuedTo = credential === "anonymous" ? anonymous : await this.accounts.principalNow(credential);
    if (!issuedTo) throw new DomainError("Unauthenticated", "The credentials this link was issued to are no longer valid");
    return this.repos.findContentReadable(issuedTo, ref);
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

/** Who a download link is issued to, as signed into it: `a` (anonymous), `t<token id>`, or `s<user id>` (web session). */
function credentialTag(p: Principal): string {
  if (p.kind === "anonymous") return "a";
  return p.via === "session" ? `s${p.userId}` : `t${p.token.id}`;
}

function parseCredentialTag(tag: string): "anonymous" | { tokenId: number } | { sessionUserId: number } {
  const id = Number(tag.slice(1));
  if (tag === "a") return "anonymous";
  if (tag.startsWith("t") && Number.isSafeInteger(id)) return { tokenId: id };
  if (tag.startsWith("s") && Number.isSafeInteger(id)) return { sessionUserId: id };
  throw invalidLink();
}

function invalidLink(): DomainError {
  return new DomainError("Unauthenticated", "Invalid or tampered transfer link");
}

interface BatchRequest {
  operation: LfsOperation;
  /** Transfer adapters the client offers (git-lfs assumes `basic` when absent). */
  transfers: string[];
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
  const transfers = Array.isArray(b.transfers) ? b.transfers.filter((t): t is string => typeof t === "string") : ["basic"];
  return { operation: b.operation, transfers, objects };
}

/** The part ETags of a completion body, in part order; every part 1..count named exactly once. */
function parseCompletion(body: unknown, oid: string, count: number): string[] {
  const b = (typeof body === "object" && body !== null ? body : {}) as { oid?: unknown; parts?: unknown };
  if (b.oid !== undefined && b.oid !== oid) throw new DomainError("InvalidArgument", "the completion body names another oid than its link");
  if (!Array.isArray(b.parts) || b.parts.length !== count) {
    throw new DomainError("InvalidArgument", `the completion body must list all ${count} parts as {partNumber, etag}`);
  }
  const etags: string[] = new Array<string>(count);
  for (const part of b.parts as unknown[]) {
    const { partNumber, etag } = (part ?? {}) as { partNumber?: unknown; etag?: unknown };
    if (typeof partNumber !== "number" || !Number.isInteger(partNumber) || partNumber < 1 || partNumber > count || etags[partNumber - 1] !== undefined) {
      throw new DomainError("InvalidArgument", `the completion body must name each part number from 1 to ${count} once`);
    }
    if (typeof etag !== "string" || etag.length === 0 || etag.length > 200) {
      throw new DomainError("InvalidArgument", `part ${partNumber} needs the etag its upload answered`);
    }
    etags[partNumber - 1] = etag;
  }
  return etags;
}
