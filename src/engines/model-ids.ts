/**
 * Model ids of the OpenAI-compatible API and which GGUF file of a repo they
 * mean. Pure functions, shared by the inference service and its tests.
 *
 *   owner/name                 default branch, the repo's best GGUF file
 *   owner/name@rev             that branch, tag or commit
 *   owner/name:file.gguf       that file (any path in the repo)
 *   owner/name@rev:dir/f.gguf  both
 */

export interface ModelId {
  namespace: string;
  name: string;
  revision?: string;
  file?: string;
}

/** Splits a model id; undefined when it has no `owner/name` shape (owner and name cannot hold `@`, `:` or `/`). */
export function parseModelId(id: string): ModelId | undefined {
  const m = /^([^/@:\s]+)\/([^/@:\s]+)(?:@([^:]+))?(?::(.+))?$/.exec(id);
  if (!m) return undefined;
  return {
    namespace: m[1]!,
    name: m[2]!,
    ...(m[3] !== undefined ? { revision: m[3] } : {}),
    ...(m[4] !== undefined ? { file: m[4] } : {}),
  };
}

/**
 * Quantizations from most to least preferred when a repo holds several GGUF
 * files of one model: the best quality that is still compact first (Q8_0 is
 * nearly lossless at half the size of F16), then smaller quantizations in
 * decreasing quality, then the unquantized 16- and 32-bit files last (largest,
 * slowest on CPU). Matched in the file name, as published GGUF repos name
 * their files (`model-Q4_K_M.gguf`).
 */
export const quantizationPreference = [
  "Q8_0", "Q6_K", "Q5_K_M", "Q5_K_S", "Q5_K", "Q5_1", "Q5_0",
  "Q4_K_M", "Q4_K_S", "Q4_K", "IQ4_XS", "IQ4_NL", "Q4_1", "Q4_0", "MXFP4",
  "Q3_K_L", "Q3_K_M", "Q3_K_S", "Q3_K", "IQ3_M", "IQ3_S", "IQ3_XS", "IQ3_XXS",
  "Q2_K_S", "Q2_K", "IQ2_M", "IQ2_S", "IQ2_XS", "IQ2_XXS", "IQ1_M", "IQ1_S", "TQ2_0", "TQ1_0",
  "BF16", "F16", "F32",
] as const;

/** Rank of a file name's quantization (lower is better); unknown ones rank after every known one. */
export function quantizationRank(path: string): number {
  const base = path.split("/").at(-1)!.toUpperCase();
  let best: number = quantizationPreference.length;
  quantizationPreference.forEach((q, i) => {
    // The tag stands alone between separators: "Q4_K" must not match inside "Q4_K_M".
    const re = new RegExp(`(^|[^A-Z0-9_])${q}($|[^A-Z0-9_])`);
    if (re.test(base.replace(/\.GGUF$/, "")) && i < best) best = i;
  });
  return best;
}

/** Split GGUF shards (`-00002-of-00004.gguf`) and vision projectors (`mmproj`) cannot be served on their own. */
function servable(path: string): boolean {
  const base = path.split("/").at(-1)!.toLowerCase();
  if (!base.endsWith(".gguf")) return false;
  if (/-\d{5}-of-\d{5}\.gguf$/.test(base)) return false;
  return !base.includes("mmproj");
}

/**
 * The GGUF file `owner/name` means: among the servable `.gguf` files, the
 * best quantization by `quantizationPreference`; ties go to the file closest
 * to the root, then the first in path order. Undefined when there is none.
 */
export function pickGgufFile(paths: readonly string[]): string | undefined {
  const candidates = paths.filter(servable);
  candidates.sort((a, b) => quantizationRank(a) - quantizationRank(b) || a.split("/").length - b.split("/").length || (a < b ? -1 : a > b ? 1 : 0));
  return candidates[0];
}

/** Whether a repo's file list makes it callable (`/v1/models` lists it). */
export function hasServableGguf(paths: readonly string[]): boolean {
  return paths.some(servable);
}
