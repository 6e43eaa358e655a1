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
