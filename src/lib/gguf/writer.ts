/**
 * A streaming GGUF v3 writer (ggml docs/gguf.md; gguf-py `gguf_writer.py`): header, metadata, tensor infos
 * with the running padded offsets ggml insists on, padding to the alignment, then each tensor's data,
 * itself padded. Tensor data can come from a generator, so a file of any size is written with flat memory.
 * The file appears atomically (temp file + rename).
 */
import { randomBytes } from "node:crypto";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import {
  GGML_MAX_DIMS, GGML_MAX_NAME, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION, alignUp, ggmlType,
  ggufScalarSize, ggufValueTypes, tensorBytes, type GgmlTypeInfo, type GgufScalarType,
} from "./constants.js";
import { encodeValues } from "./encode.js";
import type { GgufScalar, GgufValue } from "./types.js";

/** Chunks of a tensor's data: floats (encoded to the tensor's type, whole blocks per chunk) or encoded bytes. */
export type TensorChunks = Iterable<Float32Array | Uint8Array> | AsyncIterable<Float32Array | Uint8Array>;

export interface GgufTensor {
  name: string;
  /** ggml order: innermost (contiguous) dimension first, e.g. `[n_embd, n_vocab]` for `token_embd.weight`. */
  shape: readonly number[];
  /** ggml type name. Float data can be encoded as F32, F16 or Q8_0; bytes are written as they are. */
  type: string;
  data: Float32Array | Uint8Array | (() => TensorChunks);
}

export interface GgufContents {
  /** Written in this order. */
  metadata: Iterable<readonly [string, GgufValue]>;
  tensors: readonly GgufTensor[];
}

const FLUSH_BYTES = 1 << 22;

/** Writes a GGUF file; `file` appears only once it is complete. */
export async function writeGguf(file: string, contents: GgufContents): Promise<void> {
  const { header, alignment, layout } = encodeGgufHeader(contents);
  const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  const fh = await open(tmp, "wx");
  try {
    const out = new Output(fh);
    await out.bytes(header);
    // Each tensor's data, padded to the alignment.
    for (const t of layout) {
      let written = 0;
      for await (const bytes of encodedChunks(t.tensor, t.type)) {
        written += bytes.length;
        if (written > t.size) break;
        await out.bytes(bytes);
      }
      if (written !== t.size) throw new Error(`tensor ${t.tensor.name}: got ${written} bytes of data, expected ${t.size}`);
      await out.bytes(new Uint8Array(alignUp(t.size, alignment) - t.size));
    }
    await out.flush();
    await fh.close();
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
  await rename(tmp, file);
}

/**
 * Everything before the tensor data: header, metadata, tensor infos and the padding up to the data
 * section. `layout` says where each tensor's data goes, relative to the end of `header`.
 */
export function encodeGgufHeader(contents: GgufContents): { header: Buffer; alignment: number; layout: TensorLayout[] } {
  const metadata = [...contents.metadata];
  const alignment = alignmentOf(metadata);
  const layout = tensorLayout(contents.tensors, alignment);
  const out = new HeaderBuffer();
  // 1. Header.
  out.u32(GGUF_MAGIC);
  out.u32(GGUF_VERSION);
  out.u64(BigInt(layout.length));
  out.u64(BigInt(metadata.length));
  // 2. Metadata.
  const keys = new Set<string>();
  for (const [key, value] of metadata) {
    if (key.length === 0) throw new Error("metadata keys must not be empty");
    if (keys.has(key)) throw new Error(`duplicate metadata key ${key}`);
    keys.add(key);
    out.string(key);
    writeValue(out, value);
  }
  // 3. Tensor infos.
  for (const t of layout) {
    out.string(t.tensor.name);
    out.u32(t.tensor.shape.length);
    for (const ne of t.tensor.shape) out.u64(BigInt(ne));
    out.u32(t.type.id);
    out.u64(BigInt(t.offset));
  }
  // 4. Padding to the data section.
  if (layout.length > 0) out.pad(alignment);
  return { header: out.take(), alignment, layout };
}

export interface TensorLayout {
  tensor: GgufTensor;
  type: GgmlTypeInfo;
  offset: number;
  size: number;
}

function alignmentOf(metadata: ReadonlyArray<readonly [string, GgufValue]>): number {
  const entry = metadata.find(([key]) => key === "general.alignment");
  if (entry === undefined) return GGUF_DEFAULT_ALIGNMENT;
  const v = entry[1];
  if (v.type !== "u32" || v.value <= 0 || (v.value & (v.value - 1)) !== 0) throw new Error("general.alignment must be a u32 power of 2");
  return v.value;
}

/** Checks shapes and computes each tensor's offset: the running sum of padded sizes, in order. */
function tensorLayout(tensors: readonly GgufTensor[], alignment: number): TensorLayout[] {
  const names = new Set<string>();
  let offset = 0;
  return tensors.map((tensor) => {
    const { name, shape } = tensor;
    if (Buffer.byteLength(name) >= GGML_MAX_NAME) throw new Error(`tensor name ${name} is too long`);
    if (names.has(name)) throw new Error(`duplicate tensor name ${name}`);
    names.add(name);
    if (shape.length === 0 || shape.length > GGML_MAX_DIMS) throw new Error(`tensor ${name} must have 1 to ${GGML_MAX_DIMS} dimensions`);
    if (!shape.every((ne) => Number.isSafeInteger(ne) && ne > 0)) throw new Error(`tensor ${name} has a bad shape ${shape.join("×")}`);
    const type = ggmlType(tensor.type);
    if (shape[0]! % type.blockSize !== 0) throw new Error(`tensor ${name}: ne[0]=${shape[0]} is not a multiple of ${type.name}'s block size ${type.blockSize}`);
    const size = tensorBytes(type, shape);
    const layout = { tensor, type, offset, size };
    offset += alignUp(size, alignment);
    return layout;
  });
}

async function* encodedChunks(tensor: GgufTensor, type: GgmlTypeInfo): AsyncIterable<Uint8Array> {
  const chunks = typeof tensor.data === "function" ? tensor.data() : [tensor.data];
  for await (const chunk of chunks) {
    if (chunk instanceof Uint8Array) {
      yield chunk;
      continue;
    }
    if (type.name !== "F32" && type.name !== "F16" && type.name !== "Q8_0") throw new Error(`cannot encode floats as ${type.name}`);
    yield encodeValues(type.name, chunk);
  }
}

function writeValue(out: HeaderBuffer, value: GgufValue): void {
  out.u32(ggufValueTypes.indexOf(value.type));
  if (value.type !== "array") {
    writeScalar(out, value.type, value.value);
    return;
  }
  if (value.itemType === ("array" as GgufScalarType)) throw new Error("GGUF arrays cannot nest");
  out.u32(ggufValueTypes.indexOf(value.itemType));
  out.u64(BigInt(value.items.length));
  for (const item of value.items) writeScalar(out, value.itemType, item);
}

function writeScalar(out: HeaderBuffer, type: GgufScalarType, v: GgufScalar): void {
  if (type === "string") {
    if (typeof v !== "string") throw new Error(`expected a string, got ${typeof v}`);
    out.string(v);
    return;
  }
  const b = out.reserve(ggufScalarSize[type]);
  const p = 0;
  switch (type) {
    case "u8": b.writeUInt8(Number(v), p); break;
    case "i8": b.writeInt8(Number(v), p); break;
    case "u16": b.writeUInt16LE(Number(v), p); break;
    case "i16": b.writeInt16LE(Number(v), p); break;
    case "u32": b.writeUInt32LE(Number(v), p); break;
    case "i32": b.writeInt32LE(Number(v), p); break;
    case "f32": b.writeFloatLE(Number(v), p); break;
    case "bool": b.writeUInt8(v ? 1 : 0, p); break;
    case "u64": b.writeBigUInt64LE(BigInt(v as bigint | number), p); break;
    case "i64": b.writeBigInt64LE(BigInt(v as bigint | number), p); break;
    case "f64": b.writeDoubleLE(Number(v), p); break;
  }
}

/** A growable buffer for the header. */
class HeaderBuffer {
  private buf = Buffer.alloc(1 << 16);
  private used = 0;

  reserve(n: number): Buffer {
    if (this.used + n > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.used + n));
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    const slice = this.buf.subarray(this.used, this.used + n);
    this.used += n;
    return slice;
  }

  u32(v: number): void {
    this.reserve(4).writeUInt32LE(v, 0);
  }

  u64(v: bigint): void {
    this.reserve(8).writeBigUInt64LE(v, 0);
  }

  string(s: string): void {
    const bytes = Buffer.from(s, "utf8");
    this.u64(BigInt(bytes.length));
    bytes.copy(this.reserve(bytes.length));
  }

  /** Zero bytes up to the next multiple of `alignment`. */
  pad(alignment: number): void {
    this.reserve(alignUp(this.used, alignment) - this.used).fill(0);
  }

  take(): Buffer {
    return this.buf.subarray(0, this.used);
  }
}

/** Buffered sequential writes to a file handle; waits for the disk whenever the buffer fills. */
class Output {
  private readonly buf = Buffer.alloc(FLUSH_BYTES);
  private used = 0;
  private written = 0;
  constructor(private readonly fh: FileHandle) {}

  async bytes(data: Uint8Array): Promise<void> {
    if (this.used + data.length > FLUSH_BYTES) await this.flush();
    if (data.length >= FLUSH_BYTES) {
      await this.writeAll(data);
      return;
    }
    this.buf.set(data, this.used);
    this.used += data.length;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.writeAll(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  private async writeAll(data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.fh.write(data, done, data.length - done, this.written);
      done += bytesWritten;
      this.written += bytesWritten;
    }
  }
}
