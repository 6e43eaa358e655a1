/**
 * A pure-JS GGUF reader that is also the gatekeeper in front of llama.cpp: it applies the checks of
 * ggml's own reader (ggml/src/gguf.cpp `gguf_init_from_file_impl`) plus the ones whose failure aborts
 * the whole process instead of returning an error (duplicate token strings: `GGML_ASSERT(id_to_token.size()
 * == token_to_id.size())` in src/llama-vocab.cpp).
 *
 * Only the header, metadata and tensor infos are read, in bounded chunks; the tensor data is never read.
 * No size taken from the file is trusted before it is checked against what is left of the file.
 */
import { open, type FileHandle } from "node:fs/promises";
import { DomainError } from "../domain-error.js";
import {
  GGML_MAX_DIMS, GGML_MAX_NAME, GGML_TYPE_COUNT, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION,
  ggmlTypeById, ggufScalarSize, ggufValueTypes, type GgufScalarType,
} from "./constants.js";
import type { GgufFile, GgufReadValue, GgufScalar, GgufTensorInfo } from "./types.js";

export interface ReadGgufOptions {
  /** Arrays longer than this keep only their length (`items: null`). Default: keep everything. */
  maxArrayItems?: number;
  /** Refuse files whose header + metadata + tensor infos exceed this many bytes. Default 256 MiB. */
  maxMetadataBytes?: number;
  /**
   * "llama.cpp" (the default) also applies the checks whose failure aborts llama.cpp (duplicate tokens,
   * non-F32 norms, missing special tokens); "structure" only checks that the file is well-formed GGUF,
   * which is all the hub's metadata index needs.
   */
  checks?: "llama.cpp" | "structure";
  /** Bytes read first (default 4 MiB, where most files' metadata ends); smaller suits remote sources. */
  firstWindowBytes?: number;
}

/** Random access to the bytes of a GGUF file wherever it lives (a local file, an LFS object, a git blob). */
export interface GgufByteSource {
  /** Total size of the file in bytes. */
  size: number;
  /** Bytes `position .. position + length - 1` (fewer only when the file ends first). */
  read(position: number, length: number): Promise<Buffer>;
}

const TOKENS_KEY = "tokenizer.ggml.tokens";
/** Most files' metadata fits the first read; bigger ones (large vocabularies) get windows 4× larger. */
const FIRST_WINDOW = 4 << 20;
/** The smallest possible KV pair (1-byte key, u8 value) and tensor info (1-byte name, 0 dims). */
const MIN_KV_BYTES = 8 + 1 + 4 + 1;
const MIN_TENSOR_INFO_BYTES = 8 + 1 + 4 + 4 + 8;

const invalid = (reason: string) => new DomainError("InvalidArgument", `invalid GGUF file: ${reason}`);

/** Thrown by the parser when the window read so far ends before the metadata does. */
class NeedMore {
  constructor(readonly end: number) {}
}

/** Reads and validates a GGUF file's metadata. Throws `DomainError("InvalidArgument")` on any invalid file. */
export async function readGguf(file: string, options: ReadGgufOptions = {}): Promise<GgufFile> {
  const fh = await open(file, "r");
  try {
    const size = (await fh.stat()).size;
    return await readGgufFrom({ size, read: (position, length) => readAt(fh, position, length) }, options);
  } finally {
    await fh.close();
  }
}

/**
 * `readGguf` over any byte source: only the first bytes are read (a window that grows 4× while the
 * metadata runs past it), so a header in an object store costs a few ranged reads, never the weights.
 */
export async function readGgufFrom(source: GgufByteSource, options: ReadGgufOptions = {}): Promise<GgufFile> {
  const maxMetadata = options.maxMetadataBytes ?? 256 * 1024 * 1024;
  const fileSize = source.size;
  const llamaChecks = (options.checks ?? "llama.cpp") === "llama.cpp";
  let window = Math.min(fileSize, options.firstWindowBytes ?? FIRST_WINDOW, maxMetadata);
  for (;;) {
    const buf = await source.read(0, window);
    if (buf.length < window) throw invalid("the file shrank while it was being read");
    try {
      const gguf = parse(buf, fileSize, options.maxArrayItems ?? Infinity, llamaChecks);
      if (gguf.dataOffset > maxMetadata) throw invalid(`metadata is larger than ${maxMetadata} bytes`);
      return gguf;
    } catch (err) {
      if (!(err instanceof NeedMore)) throw err;
      // The parser only asks for bytes it has checked lie inside the file.
      if (err.end > maxMetadata) throw invalid(`metadata is larger than ${maxMetadata} bytes`);
      const next = Math.min(fileSize, maxMetadata, Math.max(window * 4, err.end));
      if (next <= window) throw invalid("metadata runs past the end of the file");
      window = next;
    }
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** What a read is for, in error messages; a function when building the text up front would cost too much. */
type What = string | (() => string);
const describe = (what: What) => (typeof what === "string" ? what : what());

class Cursor {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly fileSize: number,
  ) {}

  get remaining(): number {
    return this.fileSize - this.pos;
  }

  /** Makes sure `n` more bytes are in the window; `what` names them in the error when the file ends first. */
  need(n: number, what: What): void {
    if (this.pos + n <= this.buf.length) return;
    if (n > this.remaining) throw invalid(`${describe(what)} at offset ${this.pos} runs past the end of the file (${this.fileSize} bytes)`);
    throw new NeedMore(this.pos + n);
  }

  u32(what: What): number {
    this.need(4, what);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A u64 as a bigint. */
  u64(what: What): bigint {
    this.need(8, what);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A GGUF string's raw bytes (u64 length + bytes), bounded by what is left of the file. */
  stringBytes(what: What): Buffer {
    const at = this.pos;
    this.need(8, () => `${describe(what)} length`);
    const lo = this.buf.readUInt32LE(at);
    const hi = this.buf.readUInt32LE(at + 4);
    this.pos += 8;
    if (hi !== 0 || lo > this.remaining) {
      const len = (BigInt(hi) << 32n) | BigInt(lo);
      throw invalid(`${describe(what)} at offset ${at} claims ${len} bytes but only ${this.remaining} are left in the file`);
    }
    this.need(lo, what);
    const bytes = this.buf.subarray(this.pos, this.pos + lo);
    this.pos += lo;
    return bytes;
  }

  /** Skips `count` strings: the hot path for big vocabularies and merge lists that are not kept. */
  skipStrings(count: number, what: (index: number) => string): void {
    const b = this.buf;
    for (let j = 0; j < count; j++) {
      const p = this.pos;
      if (p + 8 <= b.length) {
        const lo = b.readUInt32LE(p);
        if (b.readUInt32LE(p + 4) === 0 && p + 8 + lo <= b.length) {
          this.pos = p + 8 + lo;
          continue;
        }
      }
      this.stringBytes(() => what(j)); // throws the right error, or NeedMore
    }
  }

  string(what: What): string {
    return this.stringBytes(what).toString("utf8");
  }

  scalar(type: GgufScalarType, what: What): GgufScalar {
    if (type === "string") return this.string(what);
    const size = ggufScalarSize[type];
    this.need(size, what);
    const b = this.buf;
    const p = this.pos;
    this.pos += size;
    switch (type) {
      case "u8": return b.readUInt8(p);
      case "i8": return b.readInt8(p);
      case "u16": return b.readUInt16LE(p);
      case "i16": return b.readInt16LE(p);
      case "u32": return b.readUInt32LE(p);
      case "i32": return b.readInt32LE(p);
      case "f32": return b.readFloatLE(p);
      case "bool": return b.readUInt8(p) !== 0;
      case "u64": return b.readBigUInt64LE(p);
      case "i64": return b.readBigInt64LE(p);
      case "f64": return b.readDoubleLE(p);
    }
  }

  skip(n: number, what: What): void {
    this.need(n, what);
    this.pos += n;
  }
}

function valueType(id: number, key: string): (typeof ggufValueTypes)[number] {
  const type = ggufValueTypes[id];
  if (type === undefined) throw invalid(`key '${key}' has unknown value type ${id}`);
  return type;
}

function parse(buf: Buffer, fileSize: number, maxArrayItems: number, llamaChecks: boolean): GgufFile {
  const c = new Cursor(buf, fileSize);

  // 1. Header: magic, version, tensor count, KV count.
  if (fileSize < 4 || (buf.length >= 4 && buf.readUInt32LE(0) !== GGUF_MAGIC)) {
    const magic = buf.subarray(0, 4).toString("latin1").replace(/[^\x20-\x7e]/g, "?");
    throw invalid(`bad magic '${magic}', expected 'GGUF'`);
  }
  c.pos = 4;
  const version = c.u32("version");
  if ((version & 0xffff) === 0) throw invalid(`version ${version} looks byte-swapped: big-endian files are not supported`);
  if (version < 2 || version > GGUF_VERSION) throw invalid(`unsupported version ${version} (supported: 2 and 3)`);
  const tensorCount64 = c.u64("tensor count");
  const kvCount64 = c.u64("metadata count");
  // Every entry takes some bytes, so counts the rest of the file cannot hold are lies (and would make a
  // reader loop or allocate for nothing).
  if (tensorCount64 * BigInt(MIN_TENSOR_INFO_BYTES) + kvCount64 * BigInt(MIN_KV_BYTES) > BigInt(c.remaining)) {
    throw invalid(`header claims ${tensorCount64} tensors and ${kvCount64} metadata entries, more than a ${fileSize}-byte file can hold`);
  }
  const tensorCount = Number(tensorCount64);
  const kvCount = Number(kvCount64);

  // 2. Metadata.
  const metadata = new Map<string, GgufReadValue>();
  let tokenCount: number | null = null;
  let tokensAt = 0;
  for (let i = 0; i < kvCount; i++) {
    const key = c.string(`key of metadata entry ${i}`);
    if (key.length === 0) throw invalid(`metadata entry ${i} has an empty key`);
    if (metadata.has(key)) throw invalid(`duplicate metadata key '${key}'`);
    const type = valueType(c.u32(`type of '${key}'`), key);
    if (type !== "array") {
      metadata.set(key, { type, value: c.scalar(type, `value of '${key}'`) } as GgufReadValue);
      continue;
    }
    const itemType = valueType(c.u32(`item type of '${key}'`), key);
    if (itemType === "array") throw invalid(`key '${key}' is an array of arrays, which GGUF readers refuse`);
    const at = c.pos;
    const length64 = c.u64(`length of '${key}'`);
    const minItem = itemType === "string" ? 8 : ggufScalarSize[itemType];
    if (length64 * BigInt(minItem) > BigInt(c.remaining)) {
      throw invalid(`array '${key}' at offset ${at} claims ${length64} items, more than the rest of the file can hold`);
    }
    const length = Number(length64);
    if (key === TOKENS_KEY) {
      if (itemType !== "string") throw invalid(`'${TOKENS_KEY}' must be an array of strings, not of ${itemType}`);
      tokenCount = length;
      tokensAt = c.pos;
    }
    const keep = length <= maxArrayItems;
    const items: GgufScalar[] | null = keep ? [] : null;
    if (itemType === "string") {
      if (items === null) c.skipStrings(length, (j) => `item ${j} of '${key}'`);
      else for (let j = 0; j < length; j++) items.push(c.string(() => `item ${j} of '${key}'`));
    } else if (keep) {
      for (let j = 0; j < length; j++) items!.push(c.scalar(itemType, () => `item ${j} of '${key}'`));
    } else {
      c.skip(length * ggufScalarSize[itemType], `items of '${key}'`);
    }
    metadata.set(key, { type: "array", itemType, length, items });
  }

  const alignmentValue = metadata.get("general.alignment");
  let alignment = GGUF_DEFAULT_ALIGNMENT;
  if (alignmentValue !== undefined) {
    if (alignmentValue.type !== "u32") throw invalid(`'general.alignment' must be a u32, not ${alignmentValue.type}`);
    alignment = alignmentValue.value;
    if (alignment === 0 || (alignment & (alignment - 1)) !== 0) throw invalid(`alignment ${alignment} is not a power of 2`);
  }

  // 3. Tensor infos.
  const tensors: GgufTensorInfo[] = [];
  const offsets: bigint[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const nameBytes = c.stringBytes(`name of tensor ${i}`);
    const name = nameBytes.toString("utf8");
    if (nameBytes.length >= GGML_MAX_NAME) throw invalid(`tensor ${i} name is ${nameBytes.length} bytes, the limit is ${GGML_MAX_NAME - 1}`);
    if (names.has(name)) throw invalid(`duplicate tensor name '${name}'`);
    names.add(name);
    const nDims = c.u32(`dimension count of '${name}'`);
    if (nDims > GGML_MAX_DIMS) throw invalid(`tensor '${name}' has ${nDims} dimensions, at most ${GGML_MAX_DIMS} are allowed`);
    const shape: number[] = [];
    let elements = 1n;
    for (let d = 0; d < nDims; d++) {
      const ne = c.u64(`dimension ${d} of '${name}'`);
      // ggml reads dimensions as int64.
      if (ne >= 1n << 63n) throw invalid(`tensor '${name}' dimension ${d} is negative`);
      elements *= ne;
      if (elements >= 1n << 53n) throw invalid(`tensor '${name}' has too many elements`);
      shape.push(Number(ne));
    }
    const typeId = c.u32(`type of '${name}'`);
    const type = ggmlTypeById(typeId);
    if (type === undefined) {
      throw invalid(typeId >= GGML_TYPE_COUNT ? `tensor '${name}' has unknown type ${typeId}` : `tensor '${name}' has type ${typeId}, which ggml no longer supports`);
    }
    const ne0 = shape[0] ?? 1;
    if (ne0 % type.blockSize !== 0) {
      throw invalid(`tensor '${name}' of type ${type.name} has ${ne0} elements per row, not a multiple of the block size ${type.blockSize}`);
    }
    const offset = c.u64(`data offset of '${name}'`);
    const size = (Number(elements) / type.blockSize) * type.typeSize;
    offsets.push(offset);
    tensors.push({ name, shape, type: type.name, offset: Number(offset), size, elements: Number(elements) });
  }

  // 4. Data section: aligned; each tensor exactly where the running padded sum says (ggml's rule).
  const dataOffset = tensorCount > 0 ? Math.ceil(c.pos / alignment) * alignment : c.pos;
  let expected = 0;
  for (const [i, t] of tensors.entries()) {
    if (offsets[i] !== BigInt(expected)) throw invalid(`tensor '${t.name}' has offset ${offsets[i]}, expected ${expected}`);
    if (dataOffset + t.offset + t.size > fileSize) {
      throw invalid(`data of tensor '${t.name}' (bytes ${dataOffset + t.offset}..${dataOffset + t.offset + t.size}) lies outside the ${fileSize}-byte file`);
    }
    expected += Math.ceil(t.size / alignment) * alignment;
  }

  // Checked once the whole metadata is in the window (the parse may run again on a bigger one).
  if (llamaChecks) {
    if (tokenCount !== null) checkTokens(buf, tokensAt, tokenCount);
    checkFloatOperands(tensors);
    checkSpecialTokens(metadata, tokenCount);
  }
  return { version, alignment, metadata, tensors, dataOffset, fileSize, tokenCount };
}

/**
 * Norm weights, biases (every 1-D tensor) and BERT's token-type embeddings are added to or multiplied
 * into F32 activations, and ggml's CPU backend aborts on an F32 ⊕ F16 operation ("binary_op: unsupported
 * types"). llama.cpp's converter and quantizer always keep them F32.
 */
function checkFloatOperands(tensors: readonly GgufTensorInfo[]): void {
  for (const t of tensors) {
    const operand = t.shape.length <= 1 || t.name.endsWith("_norm.weight") || t.name === "token_types.weight";
    if (operand && !["F32", "I8", "I16", "I32", "I64"].includes(t.type)) {
      throw invalid(`tensor '${t.name}' is ${t.type}; norms, biases and other 1-D tensors must be F32 (llama.cpp aborts on anything else)`);
    }
  }
}

/**
 * llama.cpp reads each token as a C string (so it ends at the first NUL), replaces an empty one with
 * "[EMPTY_<i>]", and aborts the process when two tokens end up equal. `at` is where the first of the
 * `count` strings starts; the parser has already checked that they all lie in `buf`.
 */
function checkTokens(buf: Buffer, at: number, count: number): void {
  const seen = new Map<string, number>();
  let pos = at;
  for (let i = 0; i < count; i++) {
    const len = buf.readUInt32LE(pos);
    const start = pos + 8;
    pos = start + len;
    let end = start;
    while (end < pos && buf[end] !== 0) end++;
    if (end === start) throw invalid(`token ${i} in '${TOKENS_KEY}' is empty`);
    const raw = buf.toString("latin1", start, end);
    const first = seen.get(raw);
    if (first !== undefined) {
      throw invalid(`tokens ${first} and ${i} in '${TOKENS_KEY}' are the same string ${JSON.stringify(Buffer.from(raw, "latin1").toString("utf8"))} (llama.cpp aborts on duplicate tokens)`);
    }
    seen.set(raw, i);
  }
}

/**
 * llama.cpp drops a special token id outside the vocabulary (falling back to its default id, if that one
 * fits), then asserts when it must add that token while tokenizing: BOS/EOS when `add_bos_token` /
 * `add_eos_token` hold (SentencePiece vocabularies add BOS by default), and always BOS (CLS) and SEP for
 * WordPiece (`bert`) vocabularies. A small vocabulary without explicit ids is the usual way to hit this.
 */
function checkSpecialTokens(metadata: Map<string, GgufReadValue>, tokenCount: number | null): void {
  if (tokenCount === null) return;
  const model = metadataString(metadata.get("tokenizer.ggml.model"));
  const defaults: Partial<Record<"bos" | "eos" | "sep", number>> = model === "llama" ? { bos: 1, eos: 2 } : model === "bert" ? { bos: 101, sep: 102 } : {};
  const flag = (which: string, fallback: boolean) => {
    const v = metadata.get(`tokenizer.ggml.add_${which}_token`);
    return v?.type === "bool" ? v.value : fallback;
  };
  const needed: Array<"bos" | "eos" | "sep"> = [];
  if (model === "bert") needed.push("bos", "sep");
  else {
    if (flag("bos", model === "llama")) needed.push("bos");
    if (flag("eos", false)) needed.push("eos");
  }
  const inRange = (id: number | null | undefined) => id !== null && id !== undefined && Number.isInteger(id) && id >= 0 && id < tokenCount;
  for (const which of needed) {
    const key = `tokenizer.ggml.${which === "sep" ? "seperator" : which}_token_id`;
    const explicit = metadataNumber(metadata.get(key));
    if (!inRange(explicit) && !inRange(defaults[which])) {
      throw invalid(`the ${tokenCount}-token vocabulary has no valid ${which.toUpperCase()} token (${key} is ${explicit ?? "missing"}), and llama.cpp aborts when it must add one`);
    }
  }
}

/** A numeric metadata value as a number (64-bit ones converted), or null when absent or not a number. */
export function metadataNumber(v: GgufReadValue | undefined): number | null {
  if (v === undefined || v.type === "array" || v.type === "string" || v.type === "bool") return null;
  return Number(v.value);
}

/** A string metadata value, or null when absent or not a string. */
export function metadataString(v: GgufReadValue | undefined): string | null {
  return v?.type === "string" ? v.value : null;
}
