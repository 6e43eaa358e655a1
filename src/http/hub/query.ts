import { DomainError } from "../../lib/domain-error.js";

/**
 * Query-string values as the Hub clients send them (hf-hub-protocol.md §1.5):
 * booleans as `true`/`True`/`1`, lists as repeated keys, sometimes in the
 * bracket form `expand[]=…`.
 */
type Query = Record<string, string | string[] | undefined>;

/** A boolean flag; `undefined` when absent. `true`, `True`, `1` and an empty value are true. */
export function queryFlag(query: unknown, key: string): boolean | undefined {
  const raw = last((query as Query)[key]);
  if (raw === undefined) return undefined;
  const v = raw.toLowerCase();
  if (v === "true" || v === "1" || v === "") return true;
  if (v === "false" || v === "0") return false;
  throw new DomainError("InvalidArgument", `'${key}' must be true or false`);
}

/** Every value of a list parameter, `key=a&key=b` and `key[]=a` alike; `undefined` when absent. */
export function queryList(query: unknown, key: string): string[] | undefined {
  const q = query as Query;
  const values = [q[key], q[`${key}[]`]].flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
  return values.length === 0 && q[key] === undefined && q[`${key}[]`] === undefined ? undefined : values;
}

/** A non-negative integer parameter within `[min, max]`, or `fallback` when absent. */
export function queryInt(query: unknown, key: string, opts: { min: number; max: number; fallback: number }): number {
  const raw = last((query as Query)[key]);
  if (raw === undefined || raw === "") return opts.fallback;
  if (!/^\d{1,12}$/.test(raw)) throw new DomainError("InvalidArgument", `'${key}' must be an integer`);
  const n = Number(raw);
  if (n < opts.min || n > opts.max) throw new DomainError("InvalidArgument", `'${key}' must be between ${opts.min} and ${opts.max}`);
  return n;
}

/** A string parameter (the last one when repeated). */
export function queryString(query: unknown, key: string): string | undefined {
  return last((query as Query)[key]);
}

function last(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}
