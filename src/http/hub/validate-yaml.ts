import type { FastifyInstance } from "fastify";
import { checkRepoType } from "../../lib/repo-names.js";
import { parseCard } from "../../lib/model-card.js";

/** `POST /api/validate-yaml` body as huggingface_hub sends it whenever a commit holds README.md. */
interface ApiValidateYamlRequest {
  content: string;
  repoType?: string | null;
}

/** The answer, always JSON: huggingface_hub reads it before it looks at the status. */
interface ApiValidateYamlResponse {
  errors: { message: string }[];
  warnings: { message: string }[];
  /** Also set on a 400, so clients that read `error` (@huggingface/hub) show why. */
  error?: string;
}

const schema = {
  body: {
    type: "object",
    required: ["content"],
    properties: {
      content: { type: "string" },
      repoType: { type: ["string", "null"] },
    },
  },
} as const;

/** Card fields whose value the Hub reads as a string or a list of strings. */
const stringOrList = ["tags", "language", "datasets", "base_model", "metrics", "license"];
/** Card fields the Hub reads as one string. */
const stringOnly = ["pipeline_tag", "library_name", "license_name", "license_link", "model_name"];

/**
 * Validates a README's YAML front matter (hf-hub-protocol.md §5.2). Malformed
 * YAML (or front matter that is not a mapping) is a 400 with `errors`, which
 * makes huggingface_hub abort the upload with the message; fields of the wrong
 * type are `warnings`, which it prints. The 400 is this endpoint's result
 * shape, not a failure of the request, so it is answered here.
 */
export function registerValidateYaml(app: FastifyInstance): void {
  app.post("/api/validate-yaml", { schema, bodyLimit: 16 << 20 }, async (request, reply): Promise<ApiValidateYamlResponse> => {
    const body = request.body as ApiValidateYamlRequest;
    checkRepoType(body.repoType);
    const card = parseCard(body.content);
    if (card.error) {
      reply.code(400);
      return { errors: [{ message: card.error }], warnings: [], error: `Invalid metadata in README.md: ${card.error}` };
    }
    return { errors: [], warnings: fieldWarnings(card.data) };
  });
}

function fieldWarnings(data: Record<string, unknown>): { message: string }[] {
  const warnings: { message: string }[] = [];
  const isString = (v: unknown) => typeof v === "string";
  for (const key of stringOrList) {
    const v = data[key];
    if (v === undefined || v === null || isString(v) || (Array.isArray(v) && v.every(isString))) continue;
    warnings.push({ message: `"${key}" must be a string or a list of strings` });
  }
  for (const key of stringOnly) {
    const v = data[key];
    if (v !== undefined && v !== null && !isString(v)) warnings.push({ message: `"${key}" must be a string` });
  }
  return warnings;
}
