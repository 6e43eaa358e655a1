/** Bytes per element of the safetensors dtypes the tests use. */
const dtypeBytes: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, U8: 1 };

/**
 * A safetensors file (https://huggingface.co/docs/safetensors#format): an
 * 8-byte little-endian header length, the JSON header (tensors in the given
 * order, data packed one after the other), then the data — filled with `fill`.
 */
export function makeSafetensors(
  tensors: Record<string, { dtype: keyof typeof dtypeBytes; shape: number[] }>,
  opts: { metadata?: Record<string, string>; fill?: number } = {},
): Buffer {
  const header: Record<string, unknown> = opts.metadata ? { __metadata__: opts.metadata } : {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const size = t.shape.reduce((a, b) => a * b, 1) * dtypeBytes[t.dtype]!;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  // The format pads the header with spaces so the data starts 8-aligned.
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([length, Buffer.from(json), Buffer.alloc(offset, opts.fill ?? 0)]);
}

/** A README.md with YAML front matter. */
export const card = (frontMatter: string, body = "A test card.") => `---\n${frontMatter}\n---\n\n${body}\n`;
