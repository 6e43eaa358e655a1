/**
 * The Hub's parameter-count filter, `num_parameters=min:6B,max:128B`
 * (huggingface.co/models?num_parameters=…; huggingface_hub
 * `list_models(num_parameters=…)`, PR #3897): `min:` and/or `max:`, each a
 * number with an optional K, M, B or T suffix. Bounds are inclusive.
 */
export interface ParameterRange {
  min?: number;
  max?: number;
}

const units: Record<string, number> = { "": 1, k: 1e3, m: 1e6, b: 1e9, t: 1e12 };

/** Parses a range; throws a message fit for the caller when it is malformed. */
export function parseParameterRange(raw: string): ParameterRange {
  const out: ParameterRange = {};
  for (const part of raw.split(",")) {
    const m = /^\s*(min|max)\s*:\s*(\d+(?:\.\d+)?)\s*([kmbt]?)\s*$/i.exec(part);
    if (!m) throw new Error(`num_parameters must look like "min:1B,max:7B" (K, M, B, T suffixes); got ${JSON.stringify(raw.slice(0, 100))}`);
    const bound = m[1]!.toLowerCase() as "min" | "max";
    if (out[bound] !== undefined) throw new Error(`num_parameters gives "${bound}" twice`);
    const value = Math.round(Number(m[2]) * units[m[3]!.toLowerCase()]!);
    if (!Number.isSafeInteger(value)) throw new Error("num_parameters bound is too large");
    out[bound] = value;
  }
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) throw new Error("num_parameters: min is larger than max");
  return out;
}
