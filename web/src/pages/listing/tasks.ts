/** Filter vocabularies offered by the listings (the Hub's common values; any other value still works in the URL). */

export const tasks = [
  "text-generation", "text2text-generation", "fill-mask", "feature-extraction", "sentence-similarity", "text-classification",
  "token-classification", "question-answering", "summarization", "translation", "zero-shot-classification",
  "automatic-speech-recognition", "text-to-speech", "audio-classification", "image-classification", "object-detection",
  "image-segmentation", "image-to-text", "text-to-image", "image-text-to-text", "visual-question-answering", "reinforcement-learning",
] as const;

export const libraries = [
  "transformers", "gguf", "sentence-transformers", "diffusers", "peft", "safetensors", "pytorch", "onnx", "timm", "mlx",
  "llama.cpp", "adapter-transformers", "keras", "spacy",
] as const;

export const licenses = [
  "apache-2.0", "mit", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "bsd-3-clause", "gpl-3.0", "llama3", "gemma", "openrail", "other",
] as const;

/** Sorts of the listings: URL value -> API `sort`. */
export const sorts = [
  { value: "trending", label: "Trending", api: "trendingScore" },
  { value: "downloads", label: "Most downloads", api: "downloads" },
  { value: "likes", label: "Most likes", api: "likes" },
  { value: "modified", label: "Recently updated", api: "lastModified" },
  { value: "created", label: "Recently created", api: "createdAt" },
] as const;

/** Weight formats: each is a tag the hub sets from the repo's files (`filter=gguf`). */
export const formats = [
  { value: "gguf", label: "GGUF" },
  { value: "safetensors", label: "Safetensors" },
  { value: "onnx", label: "ONNX" },
] as const;

/**
 * Parameter-count ranges offered as presets: URL and API value (the Hub's
 * `num_parameters=min:1B,max:7B`, bounds inclusive) -> label. Any other range
 * typed into the URL still works and shows as its own chip.
 */
export const parameterRanges = [
  { value: "max:1B", label: "< 1B" },
  { value: "min:1B,max:3B", label: "1B – 3B" },
  { value: "min:3B,max:7B", label: "3B – 7B" },
  { value: "min:7B,max:13B", label: "7B – 13B" },
  { value: "min:13B,max:70B", label: "13B – 70B" },
  { value: "min:70B", label: "> 70B" },
] as const;

/** A preset's label, or the range spelled out: `min:500M` -> "≥ 500M", `min:2B,max:4B` -> "2B – 4B". */
export function parameterRangeLabel(value: string): string {
  const preset = parameterRanges.find((r) => r.value === value);
  if (preset) return preset.label;
  const bounds: Record<string, string> = {};
  for (const part of value.split(",")) {
    const [key, bound] = part.split(":").map((x) => x.trim());
    if ((key === "min" || key === "max") && bound) bounds[key] = bound;
  }
  if (bounds.min && bounds.max) return `${bounds.min} – ${bounds.max}`;
  if (bounds.min) return `≥ ${bounds.min}`;
  if (bounds.max) return `≤ ${bounds.max}`;
  return value;
}
