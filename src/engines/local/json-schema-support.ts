import { invalidParam } from "../../lib/error-details.js";
import type { JsonSchema } from "../engine.js";

/**
 * The JSON Schema subset node-llama-cpp turns into a grammar
 * (src/utils/gbnfJson/types.ts in node-llama-cpp 3.22.1). A schema using
 * anything else would be silently ignored by the grammar, so the output would
 * not be guaranteed to match it: such requests are refused with a 400 that
 * names the keyword and where it is. `anyOf` is accepted and generated like
 * `oneOf` (an output matching one branch satisfies both).
 */
const annotations = new Set(["description", "title", "$schema", "$id", "$comment", "default", "examples", "deprecated", "readOnly", "writeOnly"]);
const structural = new Set([
  "type", "const", "enum", "oneOf", "anyOf", "$ref", "$defs",
  "minLength", "maxLength", "format",
  "properties", "additionalProperties", "required", "minProperties", "maxProperties",
  "items", "prefixItems", "minItems", "maxItems",
]);
const simpleTypes = new Set(["string", "number", "integer", "boolean", "null", "object", "array"]);
const formats = new Set(["date-time", "time", "date"]);
const counts = ["minLength", "maxLength", "minProperties", "maxProperties", "minItems", "maxItems"];

/**
 * Checks that `schema` stays within the supported subset and returns it in the
 * form the grammar compiler takes (`anyOf` renamed `oneOf`). `param` names the
 * request field for the error (`response_format.json_schema.schema`).
 */
export function toGrammarSchema(schema: unknown, param: string): JsonSchema {
  return walk(schema, param) as JsonSchema;
}

function walk(node: unknown, at: string): Record<string, unknown> {
  if (typeof node !== "object" || node === null || Array.isArray(node)) throw invalidParam(at, `${at} must be a JSON Schema object`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const here = `${at}.${key}`;
    if (annotations.has(key)) {
      out[key] = value;
      continue;
    }
    if (!structural.has(key)) {
      throw invalidParam(here, `JSON Schema keyword '${key}' (at ${at}) is not supported for constrained generation on this model; supported: ${[...structural].join(", ")}`);
    }
    switch (key) {
      case "type": {
        const types = Array.isArray(value) ? value : [value];
        if (types.length === 0 || !types.every((t) => typeof t === "string" && simpleTypes.has(t))) {
          throw invalidParam(here, `${here} must be one of ${[...simpleTypes].join(", ")} (or an array of them)`);
        }
        out.type = value;
        break;
      }
      case "oneOf":
      case "anyOf":
      case "prefixItems":
        if (!Array.isArray(value) || value.length === 0) throw invalidParam(here, `${here} must be a non-empty array of schemas`);
        out[key === "anyOf" ? "oneOf" : key] = value.map((s, i) => walk(s, `${here}[${i}]`));
        break;
      case "properties":
      case "$defs": {
        if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidParam(here, `${here} must be an object of schemas`);
        out[key] = Object.fromEntries(Object.entries(value).map(([k, s]) => [k, walk(s, `${here}.${k}`)]));
        break;
      }
      case "items":
        out.items = walk(value, here);
        break;
      case "additionalProperties":
        out.additionalProperties = typeof value === "boolean" ? value : walk(value, here);
        break;
      case "required":
        if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw invalidParam(here, `${here} must be an array of property names`);
        out.required = value;
        break;
      case "format":
        if (typeof value !== "string" || !formats.has(value)) {
          throw invalidParam(here, `string format '${String(value)}' is not supported for constrained generation; supported: ${[...formats].join(", ")}`);
        }
        out.format = value;
        break;
      case "$ref":
        if (typeof value !== "string" || !/^#\/\$defs\/[^/]+$/.test(value)) throw invalidParam(here, `${here} must point into $defs ('#/$defs/Name')`);
        out.$ref = value;
        break;
      case "enum":
        if (!Array.isArray(value) || value.length === 0 || !value.every(isScalar)) throw invalidParam(here, `${here} must be a non-empty array of strings, numbers, booleans or null`);
        out.enum = value;
        break;
      case "const":
        if (!isScalar(value)) throw invalidParam(here, `${here} must be a string, number, boolean or null`);
        out.const = value;
        break;
      default:
        if (counts.includes(key)) {
          if (!Number.isSafeInteger(value) || (value as number) < 0) throw invalidParam(here, `${here} must be a non-negative integer`);
          out[key] = value;
        }
    }
  }
  return out;
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}
