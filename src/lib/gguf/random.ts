/**
 * Deterministic random weights for generated test models: the same seed gives the same file, everywhere.
 */
import { toHalf } from "./encode.js";

/** The sfc32 generator, seeded through a splitmix-style mixer. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [-1, 1). */
  signed(): number {
    return this.u32() / 2147483648 - 1;
  }

  /** `n` floats uniform in [-scale, scale). */
  floats(n: number, scale: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.signed() * scale;
    return out;
  }
}

/** Rows per generated chunk: about 1 MiB of floats whatever the row length. */
function rowsPerChunk(rowLength: number): number {
  return Math.max(1, Math.floor((1 << 18) / rowLength));
}

/**
 * Chunks of uniform random floats in [-scale, scale) for a tensor of `rows` rows of `rowLength` values,
 * encoded as `type`. Q8_0 is generated directly as blocks (random int8 values and one scale per block),
 * which is ~10× faster than quantizing floats and keeps a 500 MB model quick to make.
 */
export function* randomTensorChunks(rng: Rng, type: "F32" | "F16" | "Q8_0", rowLength: number, rows: number, scale: number): Iterable<Float32Array | Uint8Array> {
  const step = rowsPerChunk(rowLength);
  for (let row = 0; row < rows; row += step) {
    const n = Math.min(step, rows - row) * rowLength;
    if (type !== "Q8_0") {
      yield rng.floats(n, scale);
      continue;
    }
    const blocks = n / 32;
    const out = new Uint8Array(blocks * 34);
    // Uniform int8 in [-127, 127] times d spans [-scale, scale].
    const d = toHalf(scale / 127);
    for (let b = 0; b < blocks; b++) {
      const o = b * 34;
      out[o] = d & 0xff;
      out[o + 1] = d >>> 8;
      for (let j = 0; j < 32; j += 4) {
        const r = rng.u32();
        out[o + 2 + j] = (r & 0xff) % 255 - 127;
        out[o + 3 + j] = ((r >>> 8) & 0xff) % 255 - 127;
        out[o + 4 + j] = ((r >>> 16) & 0xff) % 255 - 127;
        out[o + 5 + j] = (r >>> 24) % 255 - 127;
      }
    }
    yield out;
  }
}
