/**
 * A model's lineage as the Hub's model tree describes it
 * (https://huggingface.co/docs/hub/model-cards#specifying-a-base-model): the
 * card's `base_model` (one id or a list) and `base_model_relation`, or a
 * relation inferred from the repo's files when the card does not say it.
 */

/** The relations a model has to its base models, spelled as in `base_model_relation` and the Hub's tags. */
export const baseModelRelations = ["finetune", "adapter", "quantized", "merge"] as const;
export type BaseModelRelation = (typeof baseModelRelations)[number];

/** One base model of a repo: the id the card names and how the repo derives from it. */
export interface BaseModelEdge {
  id: string;
  relation: BaseModelRelation;
}

/** Most base models kept per repo: a merge of more is not a lineage anyone can read. */
export const maxBaseModels = 32;

/** A Hub model id: `name` or `namespace/name`, each part starting with a letter or digit. */
const modelId = /^(?:[A-Za-z0-9][\w.-]{0,95}\/)?[A-Za-z0-9][\w.-]{0,95}$/;

/** The weight formats recognised by file name, each also a Hub tag. */
export const weightFormats = ["gguf", "safetensors", "onnx"] as const;
export type WeightFormat = (typeof weightFormats)[number];

/** The format of a file by its extension, when it is one of `weightFormats`. */
export function formatOf(path: string): WeightFormat | undefined {
  const m = /\.([a-z]+)$/i.exec(path);
  const ext = m?.[1]?.toLowerCase();
  return (weightFormats as readonly string[]).includes(ext ?? "") ? (ext as WeightFormat) : undefined;
}

/**
 * The base model ids a card names, without duplicates, with a warning for each
 * value that is not a model id (a URL, a local path) and for the repo naming
 * itself.
 */
export function cardBaseModels(data: Record<string, unknown>, selfId: string): { ids: string[]; warnings: string[] } {
  const raw = data.base_model;
  if (raw === undefined || raw === null) return { ids: [], warnings: [] };
  const values = Array.isArray(raw) ? raw : [raw];
  const ids: string[] = [];
  const warnings: string[] = [];
  for (const v of values) {
    if (typeof v !== "string" || !modelId.test(v)) {
      warnings.push(`base_model ${JSON.stringify(v).slice(0, 120)} is not a model id (expected "namespace/name")`);
    } else if (v === selfId) {
      warnings.push(`base_model ${JSON.stringify(v)} names this repo itself`);
    } else if (!ids.includes(v)) {
      ids.push(v);
    }
  }
  if (ids.length > maxBaseModels) {
    warnings.push(`base_model lists ${ids.length} models; only the first ${maxBaseModels} are kept`);
    ids.length = maxBaseModels;
  }
  return { ids, warnings };
}

/** The card's `base_model_relation`, when it is one of the Hub's values. */
export function cardRelation(data: Record<string, unknown>): { relation?: BaseModelRelation; warning?: string } {
  const v = data.base_model_relation;
  if (v === undefined || v === null) return {};
  if (typeof v === "string" && (baseModelRelations as readonly string[]).includes(v)) return { relation: v as BaseModelRelation };
  return { warning: `base_model_relation ${JSON.stringify(v).slice(0, 80)} is not one of ${baseModelRelations.join(", ")}; the relation is inferred` };
}

/** What the relation is inferred from when the card does not state it. */
export interface RelationFacts {
  /** The repo has an `adapter_config.json` (PEFT). */
  hasAdapterConfig: boolean;
  /** The repo has GGUF files. */
  hasGguf: boolean;
  /** How many base models the card names. */
  baseCount: number;
  /** Every base model is a repo on this hub whose only weights are GGUF (a GGUF of a GGUF is not a quantization). */
  basesAreGguf: boolean;
}

/**
 * The Hub's inference, in order: an adapter config makes an adapter; GGUF
 * weights of a non-GGUF base make a quantization; several bases make a merge;
 * anything else is a finetune.
 */
export function inferRelation(f: RelationFacts): BaseModelRelation {
  if (f.hasAdapterConfig) return "adapter";
  if (f.hasGguf && !f.basesAreGguf) return "quantized";
  if (f.baseCount > 1) return "merge";
  return "finetune";
}

/** The Hub's lineage tags: `base_model:<id>` and `base_model:<relation>:<id>` for each base model. */
export function lineageTags(edges: readonly BaseModelEdge[]): string[] {
  return edges.flatMap((e) => [`base_model:${e.id}`, `base_model:${e.relation}:${e.id}`]);
}

/** A PEFT adapter's base from `adapter_config.json` (`base_model_name_or_path`), when it is a model id. */
export function adapterBaseModel(config: Record<string, unknown>): string | undefined {
  const v = config.base_model_name_or_path;
  return typeof v === "string" && modelId.test(v) ? v : undefined;
}
