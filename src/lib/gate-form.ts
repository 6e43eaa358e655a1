import { DomainError } from "./domain-error.js";

/** Field kinds of a gate form, as the Hub's `extra_gated_fields` names them. */
export const gateFieldTypes = ["text", "checkbox", "date_picker", "country", "select"] as const;
export type GateFieldType = (typeof gateFieldTypes)[number];

export interface GateField {
  /** The question, which is also the key of its answer. */
  name: string;
  type: GateFieldType;
  /** The allowed answers of a `select`. */
  options?: string[];
}

/** What a gated repo asks before access is requested: the card's `extra_gated_*` metadata, with the Hub's defaults. */
export interface GateForm {
  heading: string;
  prompt: string;
  description: string | null;
  buttonContent: string;
  fields: GateField[];
}

const defaultHeading = "You need to agree to share your contact information to access this repository";
const defaultPrompt =
  "This repository is publicly accessible, but you have to accept the conditions to access its files and content. " +
  "By agreeing you accept to share your contact information (username and email address) with the repository authors.";
const defaultButton = "Agree and access repository";
const maxAnswerLength = 1000;

/**
 * Reads the gate form from a card's metadata (`DOCS:hub/models-gated.md`):
 * `extra_gated_heading`, `extra_gated_prompt`, `extra_gated_description`,
 * `extra_gated_button_content` and `extra_gated_fields`, whose entries are
 * `Name: text|checkbox|date_picker|country` or `Name: {type: select, options:
 * [value | {label, value}]}`. Malformed entries are read leniently (the card is
 * the owner's free text): an unknown type is a text field.
 */
export function gateFormOf(cardData: Record<string, unknown>): GateForm {
  const text = (key: string): string | undefined => {
    const v = cardData[key];
    return typeof v === "string" && v.trim() !== "" ? v : undefined;
  };
  const fields: GateField[] = [];
  const raw = cardData.extra_gated_fields;
  if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    for (const [name, spec] of Object.entries(raw as Record<string, unknown>)) {
      fields.push(fieldOf(name, spec));
    }
  }
  return {
    heading: text("extra_gated_heading") ?? defaultHeading,
    prompt: text("extra_gated_prompt") ?? defaultPrompt,
    description: text("extra_gated_description") ?? null,
    buttonContent: text("extra_gated_button_content") ?? defaultButton,
    fields,
  };
}

function fieldOf(name: string, spec: unknown): GateField {
  const typeName = typeof spec === "string" ? spec : spec && typeof spec === "object" ? (spec as { type?: unknown }).type : undefined;
  const type: GateFieldType = gateFieldTypes.includes(typeName as GateFieldType) ? (typeName as GateFieldType) : "text";
  if (type !== "select") return { name, type };
  const options: string[] = [];
  const list = (spec as { options?: unknown }).options;
  for (const o of Array.isArray(list) ? list : []) {
    if (typeof o === "string" || typeof o === "number") options.push(String(o));
    else if (o && typeof o === "object" && "value" in o) options.push(String((o as { value: unknown }).value));
  }
  return { name, type, options };
}

/**
 * Checks a user's answers against the form: every field answered (checkboxes
 * ticked, selects one of their options, dates `YYYY-MM-DD`), nothing else.
 * Returns the answers to store.
 */
export function checkGateAnswers(form: GateForm, answers: unknown): Record<string, string | boolean> {
  if (answers === undefined || answers === null) answers = {};
  if (typeof answers !== "object" || Array.isArray(answers)) throw invalidAnswer("'fields' must be an object of answers");
  const given = answers as Record<string, unknown>;
  const known = new Set(form.fields.map((f) => f.name));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) throw invalidAnswer(`'${key}' is not a field of this repository's access form`);
  }
  const out: Record<string, string | boolean> = {};
  for (const f of form.fields) {
    const v = given[f.name];
    if (f.type === "checkbox") {
      if (v !== true) throw invalidAnswer(`'${f.name}' must be checked (true)`);
      out[f.name] = true;
      continue;
    }
    if (typeof v !== "string" || v.trim() === "") throw invalidAnswer(`'${f.name}' is required`);
    if (v.length > maxAnswerLength) throw invalidAnswer(`'${f.name}' is longer than ${maxAnswerLength} characters`);
    if (f.type === "select" && !f.options?.includes(v)) {
      throw invalidAnswer(`'${f.name}' must be one of: ${(f.options ?? []).join(", ")}`);
    }
    if (f.type === "date_picker" && !(/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)))) {
      throw invalidAnswer(`'${f.name}' must be a date (YYYY-MM-DD)`);
    }
    out[f.name] = v.trim();
  }
  return out;
}

const invalidAnswer = (message: string) => new DomainError("InvalidArgument", message);
