/**
 * Tensor encodings the writer produces: F32, F16 and Q8_0 (ggml/src/ggml-common.h `block_q8_0`).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary32 → binary16 bits, rounding to nearest even (what `GGML_FP32_TO_FP16` does). */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // Inf / NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow → ±0
    mant |= 0x800000; // subnormal half: shift the implicit bit in
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && (half & 1) === 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // Rounding may carry into the exponent; that is the correct result (up to Inf).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? 1 : 0));
}

/** binary16 bits → number. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function encodeF32(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return out;
}

export function encodeF16(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const h = toHalf(values[i]!);
    out[i * 2] = h & 0xff;
    out[i * 2 + 1] = h >>> 8;
  }
  return out;
}

/** Q8_0: blocks of 32 values → f16 scale `d = max|x| / 127` then 32 × int8 `round(x / d)`. */
export function encodeQ8_0(values: Float32Array): Uint8Array {
  if (values.length % 32 !== 0) throw new Error("Q8_0 needs a multiple of 32 values");
  const blocks = values.length / 32;
  const out = new Uint8Array(blocks * 34);
  for (let b = 0; b < blocks; b++) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(values[b * 32 + j]!));
    const d = amax / 127;
    const id = d !== 0 ? 1 / d : 0;
    const h = toHalf(d);
    const o = b * 34;
    out[o] = h & 0xff;
    out[o + 1] = h >>> 8;
    for (let j = 0; j < 32; j++) {
      const v = values[b * 32 + j]! * id;
      out[o + 2 + j] = (Math.sign(v) * Math.round(Math.abs(v))) & 0xff; // roundf: half away from zero
    }
  }
  return out;
}

/** Encodes float values as one of the writer's types. */
export function encodeValues(type: "F32" | "F16" | "Q8_0", values: Float32Array): Uint8Array {
  if (type === "F32") return encodeF32(values);
  if (type === "F16") return encodeF16(values);
  return encodeQ8_0(values);
}
