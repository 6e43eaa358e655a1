// The GGUF toolkit without native code: writer ↔ reader round trip, the validator's refusals (each corrupt
// file is made here from a valid one), and the summaries of the generated test models.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { DomainError } from "../src/lib/domain-error.js";
import { fromHalf, toHalf } from "../src/lib/gguf/encode.js";
import {
  encodeGgufHeader, inspectGguf, readGguf, scriptedAnswerTokens, writeBrokenLlama, writeGguf, writeRandomLlama,
  writeScriptedLlama, writeTinyBert, type GgufContents, type GgufValue,
} from "../src/lib/gguf/index.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "modelport-gguf-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
const tmp = (name = "f") => path.join(dir, `${name}-${n++}.gguf`);

const ramp = (count: number, scale = 1) => Float32Array.from({ length: count }, (_, i) => ((i % 17) - 8) * 0.125 * scale);

/** A small valid file: a vocabulary, scalar keys and three tensors of the writer's types. */
function validContents(overrides: { tokens?: string[]; metadata?: Array<[string, GgufValue]> } = {}): GgufContents {
  return {
    metadata: [
      ["general.architecture", { type: "string", value: "test" }],
      ["test.k1", { type: "u32", value: 7 }],
      ["test.k2", { type: "u32", value: 8 }],
      ["tokenizer.ggml.model", { type: "string", value: "llama" }],
      ["tokenizer.ggml.tokens", { type: "array", itemType: "string", items: overrides.tokens ?? ["aa", "ab", "ac"] }],
      ...(overrides.metadata ?? []),
    ],
    tensors: [
      { name: "n0.weight", shape: [32], type: "F32", data: ramp(32) },
      { name: "t1", shape: [32, 2], type: "F16", data: ramp(64) },
      { name: "t2", shape: [64, 2], type: "Q8_0", data: ramp(128) },
    ],
  };
}

async function validFile(overrides?: Parameters<typeof validContents>[0]): Promise<{ file: string; buf: Buffer }> {
  const file = tmp("valid");
  await writeGguf(file, validContents(overrides));
  return { file, buf: await readFile(file) };
}

const u64 = (v: bigint | number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
};
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
/** A GGUF string as stored: u64 length + bytes. */
const gstr = (s: string) => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);

/** Offset of the only occurrence of `needle`. */
function find(buf: Buffer, needle: Buffer): number {
  const at = buf.indexOf(needle);
  assert.ok(at >= 0, "pattern not found");
  assert.equal(buf.indexOf(needle, at + 1), -1, "pattern found twice");
  return at;
}

async function writeCorrupt(buf: Buffer, change: (b: Buffer) => void): Promise<string> {
  const copy = Buffer.from(buf);
  change(copy);
  const file = tmp("corrupt");
  await writeFile(file, copy);
  return file;
}

async function assertRejected(file: string, reason: RegExp): Promise<void> {
  await assert.rejects(inspectGguf(file), (err: unknown) => {
    assert.ok(err instanceof DomainError, `expected a DomainError, got ${String(err)}`);
    assert.equal(err.kind, "InvalidArgument");
    assert.match(err.message, /^invalid GGUF file: /);
    assert.match(err.message, reason);
    return true;
  });
}

describe("writer and reader", () => {
  test("every metadata type round-trips, in order", async () => {
    const metadata: Array<[string, GgufValue]> = [
      ["t.u8", { type: "u8", value: 255 }],
      ["t.i8", { type: "i8", value: -128 }],
      ["t.u16", { type: "u16", value: 65535 }],
      ["t.i16", { type: "i16", value: -32768 }],
      ["t.u32", { type: "u32", value: 4294967295 }],
      ["t.i32", { type: "i32", value: -2147483648 }],
      ["t.f32", { type: "f32", value: Math.fround(0.1) }],
      ["t.bool", { type: "bool", value: true }],
      ["t.string", { type: "string", value: "héllo ▁ {{ '<|im_start|>' }}" }],
      ["t.u64", { type: "u64", value: 2n ** 64n - 1n }],
      ["t.i64", { type: "i64", value: -(2n ** 63n) }],
      ["t.f64", { type: "f64", value: Math.PI }],
      ["t.arr.string", { type: "array", itemType: "string", items: ["a", "", "ü"] }],
      ["t.arr.i32", { type: "array", itemType: "i32", items: [1, -2, 3] }],
      ["t.arr.f32", { type: "array", itemType: "f32", items: [0.5, -1.25] }],
      ["t.arr.bool", { type: "array", itemType: "bool", items: [true, false] }],
      ["t.arr.u64", { type: "array", itemType: "u64", items: [1n, 2n ** 40n] }],
      ["t.arr.empty", { type: "array", itemType: "u8", items: [] }],
    ];
    const file = tmp();
    await writeGguf(file, { metadata, tensors: [] });
    const gguf = await readGguf(file);
    assert.equal(gguf.version, 3);
    assert.deepEqual([...gguf.metadata.keys()], metadata.map(([k]) => k));
    for (const [key, value] of metadata) {
      const read = gguf.metadata.get(key)!;
      if (value.type === "array") assert.deepEqual(read, { type: "array", itemType: value.itemType, length: value.items.length, items: value.items }, key);
      else assert.deepEqual(read, value, key);
    }
    assert.deepEqual(gguf.tensors, []);
  });

  test("tensors land at aligned offsets with their data intact (F32 exact, F16 and Q8_0 within their precision)", async () => {
    const file = tmp();
    await writeGguf(file, validContents());
    const gguf = await readGguf(file);
    assert.equal(gguf.alignment, 32);
    assert.equal(gguf.dataOffset % 32, 0);
    assert.deepEqual(
      gguf.tensors.map((t) => [t.name, t.type, t.shape, t.offset, t.size]),
      [["n0.weight", "F32", [32], 0, 128], ["t1", "F16", [32, 2], 128, 128], ["t2", "Q8_0", [64, 2], 256, 4 * 34]],
    );
    const buf = await readFile(file);
    const data = (i: number) => buf.subarray(gguf.dataOffset + gguf.tensors[i]!.offset);
    const f32 = data(0);
    assert.deepEqual(Array.from({ length: 32 }, (_, i) => f32.readFloatLE(i * 4)), Array.from(ramp(32)));
    const f16 = data(1);
    for (let i = 0; i < 64; i++) assert.ok(Math.abs(fromHalf(f16.readUInt16LE(i * 2)) - ramp(64)[i]!) < 1e-3);
    const q8 = data(2);
    const expected = ramp(128);
    for (let b = 0; b < 4; b++) {
      const d = fromHalf(q8.readUInt16LE(b * 34));
      for (let j = 0; j < 32; j++) assert.ok(Math.abs(q8.readInt8(b * 34 + 2 + j) * d - expected[b * 32 + j]!) <= d / 2 + 1e-6);
    }
    // The last tensor is padded too, as gguf-py writes it.
    assert.equal(gguf.fileSize, gguf.dataOffset + 256 + 160);
  });

  test("general.alignment sets the padding of the data section and of every tensor", async () => {
    const file = tmp();
    await writeGguf(file, validContents({ metadata: [["general.alignment", { type: "u32", value: 256 }]] }));
    const gguf = await readGguf(file);
    assert.equal(gguf.alignment, 256);
    assert.equal(gguf.dataOffset % 256, 0);
    assert.deepEqual(gguf.tensors.map((t) => t.offset), [0, 256, 512]);
  });

  test("F16 conversion rounds to nearest even and handles the edges", () => {
    assert.equal(toHalf(1), 0x3c00);
    assert.equal(toHalf(-2), 0xc000);
    assert.equal(toHalf(65504), 0x7bff);
    assert.equal(toHalf(1e6), 0x7c00);
    assert.equal(toHalf(0.1), 0x2e66);
    assert.equal(toHalf(2 ** -24), 0x0001);
    assert.equal(toHalf(2 ** -26), 0);
    assert.equal(toHalf(1 + 2 ** -11), 0x3c00); // a tie rounds to the even mantissa
    assert.ok(Number.isNaN(fromHalf(toHalf(NaN))));
  });

  test("the writer refuses what ggml would refuse", async () => {
    const base = validContents();
    const t = base.tensors;
    await assert.rejects(writeGguf(tmp(), { ...base, tensors: [t[0]!, { ...t[1]!, name: "n0.weight" }] }), /duplicate tensor name/);
    await assert.rejects(writeGguf(tmp(), { ...base, tensors: [{ ...t[2]!, shape: [48, 2], data: ramp(96) }] }), /not a multiple/);
    await assert.rejects(writeGguf(tmp(), { ...base, tensors: [{ ...t[0]!, shape: [2, 2, 2, 2, 2] }] }), /1 to 4 dimensions/);
    await assert.rejects(writeGguf(tmp(), { metadata: [["a", { type: "u8", value: 1 }], ["a", { type: "u8", value: 2 }]], tensors: [] }), /duplicate metadata key/);
    await assert.rejects(writeGguf(tmp(), { ...base, tensors: [{ ...t[0]!, data: ramp(31) }] }), /expected 128/);
  });

  test("a multi-GB file is summarized from its metadata alone", async () => {
    // 2 GiB of F16 tensor data that is never written: the file is sparse past the header.
    const contents: GgufContents = {
      metadata: [["general.architecture", { type: "string", value: "llama" }]],
      tensors: [{ name: "token_embd.weight", shape: [4096, 262144], type: "F16", data: new Float32Array(0) }],
    };
    const { header } = encodeGgufHeader(contents);
    const file = tmp("huge");
    await writeFile(file, header);
    await truncate(file, header.length + 2 * 1024 ** 3);
    const summary = await inspectGguf(file);
    assert.equal(summary.parameters, 4096 * 262144);
    assert.equal(summary.quantization, "F16");
    assert.equal(summary.fileSize, header.length + 2 * 1024 ** 3);
    assert.equal(summary.dataOffset, header.length);
  });
});

describe("the validator refuses", () => {
  let valid: { file: string; buf: Buffer };
  before(async () => {
    valid = await validFile();
  });

  test("the valid base file (so every refusal below comes from its one change)", async () => {
    const summary = await inspectGguf(valid.file);
    assert.equal(summary.tensorCount, 3);
    assert.equal(summary.vocabSize, 3);
  });

  test("a bad magic", async () => {
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.write("GGML", 0)), /bad magic 'GGML'/);
  });

  test("unsupported and byte-swapped versions", async () => {
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.writeUInt32LE(1, 4)), /unsupported version 1/);
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.writeUInt32LE(4, 4)), /unsupported version 4/);
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.writeUInt32BE(3, 4)), /byte-swapped/);
  });

  test("tensor and metadata counts the file cannot hold", async () => {
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.writeBigUInt64LE(1n << 40n, 8)), /claims 1099511627776 tensors/);
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.writeBigUInt64LE(2n ** 64n - 1n, 16)), /metadata entries, more than/);
  });

  test("an absurd string length, without allocating it", async () => {
    const file = await writeCorrupt(valid.buf, (b) => b.writeBigUInt64LE(1n << 62n, find(b, gstr("test.k1"))));
    await assertRejected(file, /claims 4611686018427387904 bytes/);
  });

  test("an absurd array length", async () => {
    const header = Buffer.concat([gstr("tokenizer.ggml.tokens"), u32(9), u32(8), u64(3)]);
    const file = await writeCorrupt(valid.buf, (b) => b.writeBigUInt64LE(1n << 40n, find(b, header) + header.length - 8));
    await assertRejected(file, /array 'tokenizer.ggml.tokens' .* claims 1099511627776 items/);
  });

  test("unknown value types and nested arrays", async () => {
    const key = gstr("test.k1");
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.writeUInt32LE(13, find(b, key) + key.length)), /key 'test.k1' has unknown value type 13/);
    const tokens = Buffer.concat([gstr("tokenizer.ggml.tokens"), u32(9), u32(8)]);
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.writeUInt32LE(9, find(b, tokens) + tokens.length - 4)), /array of arrays/);
  });

  test("duplicate metadata keys", async () => {
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.write("test.k1", find(b, gstr("test.k2")) + 8)), /duplicate metadata key 'test.k1'/);
  });

  test("an alignment that is not a u32 power of two", async () => {
    const { buf } = await validFile({ metadata: [["general.alignment", { type: "u32", value: 64 }]] });
    const entry = Buffer.concat([gstr("general.alignment"), u32(4), u32(64)]);
    await assertRejected(await writeCorrupt(buf, (b) => b.writeUInt32LE(48, find(b, entry) + entry.length - 4)), /alignment 48 is not a power of 2/);
    await assertRejected(await writeCorrupt(buf, (b) => b.writeUInt32LE(5, find(b, entry) + entry.length - 8)), /'general.alignment' must be a u32, not i32/);
  });

  test("duplicate tensor names", async () => {
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.write("t2", find(b, gstr("t1")) + 8)), /duplicate tensor name 't2'/);
  });

  // Tensor info of t1: name, u32 n_dims (2), u64 ne[0] (32), u64 ne[1] (2), u32 type (F16 = 1), u64 offset.
  const t1 = (b: Buffer) => find(b, gstr("t1")) + 10;

  test("more than 4 dimensions", async () => {
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.writeUInt32LE(5, t1(b))), /'t1' has 5 dimensions, at most 4/);
  });

  test("unknown and removed tensor types", async () => {
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.writeUInt32LE(99, t1(b) + 20)), /'t1' has unknown type 99/);
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.writeUInt32LE(4, t1(b) + 20)), /'t1' has type 4, which ggml no longer supports/);
  });

  test("a row length that is not a multiple of the block size", async () => {
    // t1 becomes Q8_0 (blocks of 32) with 16 values per row.
    const file = await writeCorrupt(valid.buf, (b) => {
      b.writeBigUInt64LE(16n, t1(b) + 4);
      b.writeBigUInt64LE(4n, t1(b) + 12);
      b.writeUInt32LE(8, t1(b) + 20);
    });
    await assertRejected(file, /'t1' of type Q8_0 has 16 elements per row, not a multiple of the block size 32/);
  });

  test("offsets that are not ggml's running padded sum", async () => {
    await assertRejected(await writeCorrupt(valid.buf, (b) => b.writeBigUInt64LE(160n, t1(b) + 24)), /tensor 't1' has offset 160, expected 128/);
  });

  test("tensor data outside the file", async () => {
    const file = await writeCorrupt(valid.buf, () => {});
    await truncate(file, valid.buf.length - 40);
    await assertRejected(file, /data of tensor 't2' .* lies outside the/);
  });

  test("a file that ends inside its metadata", async () => {
    const file = await writeCorrupt(valid.buf, () => {});
    const cut = find(valid.buf, gstr("t2")) + 5;
    await truncate(file, cut);
    await assertRejected(file, new RegExp(`name of tensor 2 length at offset ${cut - 5} runs past the end of the file \\(${cut} bytes\\)`));
  });

  test("duplicate token strings, which abort llama.cpp", async () => {
    await assertRejected((await validFile({ tokens: ["aa", "ab", "aa"] })).file, /tokens 0 and 2 in 'tokenizer.ggml.tokens' are the same string "aa"/);
    // llama.cpp reads tokens as C strings: equal up to the first NUL is equal.
    await assertRejected((await validFile({ tokens: ["a\0x", "a\0y"] })).file, /tokens 0 and 1 .* same string "a"/);
  });

  test("empty token strings", async () => {
    await assertRejected((await validFile({ tokens: ["aa", "", "ac"] })).file, /token 1 in 'tokenizer.ggml.tokens' is empty/);
  });

  test("a vocabulary that is not an array of strings", async () => {
    const file = tmp();
    await writeGguf(file, { metadata: [["tokenizer.ggml.tokens", { type: "array", itemType: "i32", items: [1, 2] }]], tensors: [] });
    await assertRejected(file, /must be an array of strings, not of i32/);
  });

  test("a special token llama.cpp must add but cannot find", async () => {
    const file = tmp();
    const metadata: Array<[string, GgufValue]> = [
      ["tokenizer.ggml.model", { type: "string", value: "bert" }],
      ["tokenizer.ggml.tokens", { type: "array", itemType: "string", items: ["[PAD]", "[UNK]", "[CLS]", "[SEP]"] }],
    ];
    await writeGguf(file, { metadata, tensors: [] });
    await assertRejected(file, /4-token vocabulary has no valid BOS token \(tokenizer.ggml.bos_token_id is missing\)/);
  });

  test("norms and biases that are not F32", async () => {
    const file = tmp();
    await writeGguf(file, { metadata: [], tensors: [{ name: "blk.0.attn_norm.weight", shape: [32], type: "F16", data: ramp(32) }] });
    await assertRejected(file, /'blk.0.attn_norm.weight' is F16; norms, biases and other 1-D tensors must be F32/);
  });

  test("a duplicate at the end of a vocabulary bigger than the first read", async () => {
    const tokens = Array.from({ length: 400_000 }, (_, i) => `t${i}`);
    const { file, buf } = await validFile({ tokens: [...tokens, "t0"] });
    assert.ok(buf.length > 4 * 1024 * 1024);
    await assertRejected(file, /tokens 0 and 400000 in 'tokenizer.ggml.tokens' are the same string "t0"/);
  });

  test("metadata beyond the reader's limit", async () => {
    const { file } = await validFile({ tokens: Array.from({ length: 2000 }, (_, i) => `token-${i}`) });
    await assert.rejects(readGguf(file, { maxMetadataBytes: 4096 }), /metadata is larger than 4096 bytes/);
  });

  test("the broken model files made for engine tests", async () => {
    const dup = tmp();
    await writeBrokenLlama(dup, "duplicate-token");
    await assertRejected(dup, /tokens 262 and 263 .* same string "!"/);
    const cut = tmp();
    await writeBrokenLlama(cut, "truncated");
    await assertRejected(cut, /lies outside the/);
  });
});

describe("generated models", () => {
  test("the scripted model: a tiny F32 llama with ChatML", async () => {
    const file = tmp();
    await writeScriptedLlama(file);
    const s = await inspectGguf(file);
    assert.equal(s.architecture, "llama");
    assert.equal(s.kind, "text-generation");
    assert.equal(s.quantization, "F32");
    assert.equal(s.tokenizer, "llama");
    assert.equal(s.vocabSize, 356 + 3);
    assert.equal(s.contextLength, 4096);
    assert.equal(s.hasChatTemplate, true);
    assert.match(s.chatTemplate!, /<\|im_start\|>assistant\\n/);
    assert.equal(s.parameters, 32 * 359 * 2 + 32 * 3 + 4 * 32 * 32 + 3 * 32 * 32);
  });

  test("the scripted model's context length is settable", async () => {
    const file = tmp();
    await writeScriptedLlama(file, { contextLength: 1024 });
    assert.equal((await inspectGguf(file)).contextLength, 1024);
  });

  test("the default answer is three tokens: Hello, ' world', '!'", () => {
    assert.deepEqual(scriptedAnswerTokens(), ["Hello", " world", "!"]);
  });

  test("short pieces merge forward; leftovers become byte tokens", () => {
    assert.deepEqual(scriptedAnswerTokens('{"city": "Paris"}'), ['{"city', '": "', "Paris", '"', "}"]);
  });

  test("repeated pieces still give distinct tokens that spell the answer", async () => {
    const answer = "ha ha ha ha, ha ha! <unk> <0x41> \n";
    const tokens = scriptedAnswerTokens(answer);
    assert.equal(tokens.join(""), answer);
    const file = tmp();
    await writeScriptedLlama(file, { answer });
    const gguf = await readGguf(file);
    const vocab = gguf.metadata.get("tokenizer.ggml.tokens");
    assert.ok(vocab?.type === "array" && vocab.items !== null);
    assert.equal(new Set(vocab.items).size, vocab.items.length);
    assert.equal(vocab.items.length, 356 + tokens.length);
  });

  test("an answer longer than the model can script is refused", async () => {
    const answer = Array.from({ length: 1100 }, (_, i) => `w${i}`).join(" ");
    await assert.rejects(writeScriptedLlama(tmp(), { answer }), /the scripted model supports at most 1024/);
  });

  test("random llamas: Q8_0 and F16 summaries", async () => {
    for (const type of ["Q8_0", "F16", "F32"] as const) {
      const file = tmp();
      await writeRandomLlama(file, { type });
      const s = await inspectGguf(file);
      assert.equal(s.quantization, type);
      assert.deepEqual(s.tensorTypes, type === "F32" ? { F32: 21 } : { [type]: 16, F32: 5 });
      assert.equal(s.embeddingLength, 64);
      assert.equal(s.blockCount, 2);
    }
  });

  test("a medium random model: sizes and parameter count", async () => {
    const file = tmp();
    await writeRandomLlama(file, { type: "Q8_0", embd: 256, layers: 4, ff: 704, contextLength: 2048, seed: 5 });
    const s = await inspectGguf(file);
    const params = 2 * 256 * 356 + 256 + 4 * (2 * 256 + 4 * 256 * 256 + 3 * 256 * 704);
    assert.equal(s.parameters, params);
    assert.deepEqual(s.tensorTypes, { Q8_0: 2 + 4 * 7, F32: 1 + 4 * 2 });
    assert.equal(s.contextLength, 2048);
    assert.equal(s.blockCount, 4);
    assert.equal(s.fileSize, (await stat(file)).size);
    assert.ok(s.fileSize > (params * 34) / 32 && s.fileSize < (params * 34) / 32 + 64 * 1024);
  });

  test("random weights are deterministic from the seed", async () => {
    const hash = async (seed: number) => {
      const file = tmp();
      await writeRandomLlama(file, { type: "F16", seed });
      return createHash("sha256").update(await readFile(file)).digest("hex");
    };
    assert.equal(await hash(3), await hash(3));
    assert.notEqual(await hash(3), await hash(4));
  });

  test("bad random-model sizes are refused", async () => {
    await assert.rejects(writeRandomLlama(tmp(), { type: "Q8_0", embd: 48 }), /multiples of 32/);
    await assert.rejects(writeRandomLlama(tmp(), { type: "F16", embd: 64, heads: 3 }), /heads/);
  });

  test("the tiny bert: an embedding model with mean pooling", async () => {
    const file = tmp();
    await writeTinyBert(file, { dims: 96 });
    const s = await inspectGguf(file);
    assert.equal(s.architecture, "bert");
    assert.equal(s.kind, "embedding");
    assert.equal(s.poolingType, "mean");
    assert.equal(s.embeddingLength, 96);
    assert.equal(s.tokenizer, "bert");
    assert.equal(s.hasChatTemplate, false);
    assert.equal(s.chatTemplate, null);
  });

  test("a pooling type makes any architecture an embedding model", async () => {
    const file = tmp();
    await writeGguf(file, { metadata: [["general.architecture", { type: "string", value: "qwen3" }], ["qwen3.pooling_type", { type: "u32", value: 3 }]], tensors: [] });
    const s = await inspectGguf(file);
    assert.equal(s.kind, "embedding");
    assert.equal(s.poolingType, "last");
  });

  test("general.file_type names the quantization; without it, mixed matrix types say mixed", async () => {
    const named = tmp();
    await writeGguf(named, { metadata: [["general.file_type", { type: "u32", value: 15 }]], tensors: [] });
    assert.equal((await inspectGguf(named)).quantization, "Q4_K_M");
    const mixed = tmp();
    await writeGguf(mixed, { metadata: [], tensors: [{ name: "a", shape: [32, 2], type: "F16", data: ramp(64) }, { name: "b", shape: [32, 2], type: "Q8_0", data: ramp(64) }] });
    assert.equal((await inspectGguf(mixed)).quantization, "mixed");
  });
});
