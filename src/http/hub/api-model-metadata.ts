import type { IndexWarning } from "../../services/model-metadata.js";
import type { StoredModelMetadata } from "../../services/repo-index.js";
import type { Repo } from "../../services/repos.js";

/**
 * What repo info reports of a model's indexed files, in the Hub's field names
 * (`HH:hf_api.py` `ModelInfo`, `HJ:types/api/api-model.ts`):
 *
 * - `config`: `{architectures, model_type}` of config.json;
 * - `gguf`: `{total, architecture, context_length, chat_template}` of the main
 *   GGUF file, plus our `quantization` (e.g. "Q4_K_M");
 * - `safetensors`: `{parameters: {<dtype>: count}, total}`;
 * - `baseModels`: `{relation, models: [{id}]}`;
 * - `indexWarnings` (ours): `[{path, message}]`, metadata that could not be read.
 *
 * They describe the indexed head of the default branch, so another revision
 * leaves them out (both clients read a missing field as unknown).
 */
export function apiModelMetadata(repo: Repo, commit: string): Record<string, unknown> {
  const { row } = repo;
  if (commit !== row.sha) return {};
  const warnings = JSON.parse(row.index_warnings) as IndexWarning[];
  const out: Record<string, unknown> = warnings.length ? { indexWarnings: warnings } : {};
  if (repo.type !== "model") return out;
  const m = JSON.parse(row.model_metadata) as StoredModelMetadata;
  if (m.config) out.config = m.config;
  if (m.gguf) {
    out.gguf = {
      total: m.gguf.parameters,
      ...(m.gguf.architecture ? { architecture: m.gguf.architecture } : {}),
      ...(m.gguf.contextLength !== null ? { context_length: m.gguf.contextLength } : {}),
      ...(m.gguf.chatTemplate ? { chat_template: m.gguf.chatTemplate } : {}),
      quantization: m.gguf.quantization,
    };
  }
  if (m.safetensors) out.safetensors = m.safetensors;
  if (m.baseModels) out.baseModels = { relation: m.baseModels.relation, models: m.baseModels.models.map((id) => ({ id })) };
  return out;
}
