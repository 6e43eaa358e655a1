/**
 * The `.gitattributes` every new repo starts with: the LFS patterns
 * huggingface.co puts in new repos, so weights, archives and data files go to
 * LFS with no `git lfs track` step.
 */
const lfsPatterns = [
  "*.7z", "*.arrow", "*.bin", "*.bz2", "*.ckpt", "*.ftz", "*.gguf", "*.gz", "*.h5", "*.joblib",
  "*.lfs.*", "*.mlmodel", "*.model", "*.msgpack", "*.npy", "*.npz", "*.onnx", "*.ot", "*.parquet",
  "*.pb", "*.pickle", "*.pkl", "*.pt", "*.pth", "*.rar", "*.safetensors", "saved_model/**/*",
  "*.tar.*", "*.tar", "*.tflite", "*.tgz", "*.wasm", "*.xz", "*.zip", "*.zst", "*tfevents*",
];

/** Datasets also keep media and tabular files in LFS, as the Hub's dataset repos do. */
const datasetPatterns = [
  "*.mds", "*.lz4", "*.wav", "*.mp3", "*.ogg", "*.flac", "*.jpg", "*.jpeg", "*.png", "*.webp",
  "*.mp4", "*.webm", "*.jsonl.gz", "*.csv.gz",
];

export function defaultGitattributes(type: "model" | "dataset" | "space"): string {
  const patterns = type === "dataset" ? [...lfsPatterns, ...datasetPatterns] : lfsPatterns;
  return patterns.map((p) => `${p} filter=lfs diff=lfs merge=lfs -text`).join("\n") + "\n";
}
