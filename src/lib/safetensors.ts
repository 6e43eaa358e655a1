/**
 * Safetensors headers (https://huggingface.co/docs/safetensors#format): an
 * 8-byte little-endian header length N, N bytes of JSON mapping each tensor
 * name to `{dtype, shape, data_offsets: [begin, end]}` (plus an optional
 * `__metadata__` map of strings), then the tensor data. Only the header is
 * read; the data never is.
 */

/** huggingface_hub's `SAFETENSORS_MAX_HEADER_LENGTH`: larger headers are refused, as the Hub does. */
export const maxSafetensorsHeaderBytes = 25_000_000;

/** Parameter counts of one file: per dtype (the Hub's `safetensors.parameters`) and in total. */
export interface SafetensorsCounts {
  parameters: Record<string, number>;
  total: number;
}

/** The dtypes the format defines (safetensors `Dtype`). */
const dtypes = new Set([
  "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "I16", "U16", "F16", "BF16",
  "I32", "U32", "F32", "F64", "I64", "U64", "C64",
]);

/** Thrown for a header that is not valid safetensors; the message says why. */
export class SafetensorsError extends Error {}

/**
 * The header length from the first 8 bytes of a file of `fileSize` bytes,
 * checked against the limit and the file's size.
 */
export function safetensorsHeaderLength(first8: Buffer, fileSize: number): number {
  if (fileSize < 8 || first8.length < 8) throw new SafetensorsError("the file is shorter than the 8-byte header length");
  const n = first8.readBigUInt64LE(0);
  if (n > BigInt(maxSafetensorsHeaderBytes)) throw new SafetensorsError(`the header claims ${n} bytes, more than the ${maxSafetensorsHeaderBytes} allowed`);
  if (n > BigInt(fileSize - 8)) throw new SafetensorsError(`the header claims ${n} bytes but the file has only ${fileSize - 8} after the length`);
  if (n < 2n) throw new SafetensorsError("the header is empty");
  return Number(n);
}

/**
 * Counts the parameters of a safetensors file from its JSON header, checking
 * what the format requires: known dtypes, whole-number shapes, data offsets
 * inside the file's data section.
 */
export function countSafetensorsParameters(header: Buffer, dataSize: number): SafetensorsCounts {
  let json: unknown;
  try {
    json = JSON.parse(header.toString("utf8"));
  } catch (err) {
    throw new SafetensorsError(`the header is not JSON: ${(err as Error).message.split("\n")[0]}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new SafetensorsError("the header must be a JSON object");
  const parameters: Record<string, number> = {};
  let total = 0;
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") continue;
    const shown = JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SafetensorsError(`tensor ${shown} is not an object`);
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== "string" || !dtypes.has(dtype)) throw new SafetensorsError(`tensor ${shown} has unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError(`tensor ${shown} has an invalid shape`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1] ||
      offsets[1] > dataSize
    ) {
      throw new SafetensorsError(`tensor ${shown} has data offsets outside the file's ${dataSize}-byte data section`);
    }
    let elements = 1n;
    for (const d of shape as number[]) elements *= BigInt(d);
    if (elements > BigInt(Number.MAX_SAFE_INTEGER)) throw new SafetensorsError(`tensor ${shown} has too many elements`);
    parameters[dtype] = (parameters[dtype] ?? 0) + Number(elements);
    total += Number(elements);
  }
  return { parameters, total };
}
