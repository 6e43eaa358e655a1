/**
 * Which file requests count as a download, after the Hub's "query files"
 * (https://huggingface.co/docs/hub/models-download-stats): for models, the
 * root `config.json`, `config.yaml`, `hyperparams.yaml` or `meta.yaml`, or the
 * files a library names instead (`countDownloads` in huggingface.js
 * `packages/tasks/src/model-libraries.ts`): GGUF repos count `.gguf` files,
 * NeMo `.nemo` files, diffusers `model_index.json`. Dataset files all count
 * (the Hub counts `load_dataset` calls, which read any of them); spaces have
 * no downloads. One snapshot is then counted once by the caller's dedup.
 */
const defaultQueryFiles = new Set(["config.json", "config.yaml", "hyperparams.yaml", "meta.yaml"]);

/** Libraries whose downloads are counted on other files than the defaults. */
const libraryQueryFiles: Record<string, (path: string) => boolean> = {
  gguf: (p) => p.toLowerCase().endsWith(".gguf"),
  nemo: (p) => p.toLowerCase().endsWith(".nemo"),
  diffusers: (p) => p === "model_index.json",
};

export interface DownloadCountingRepo {
  type: string;
  libraryName: string | null;
  /** Read only when the path could be a library's query file (every `/resolve` of a model asks). */
  tags: () => string[];
}

/** Whether a request for `path` (repo-relative) counts as a download of the repo. */
export function countsAsDownload(repo: DownloadCountingRepo, path: string): boolean {
  if (repo.type === "dataset") return true;
  if (repo.type !== "model") return false;
  if (defaultQueryFiles.has(path)) return true;
  if (!Object.values(libraryQueryFiles).some((matches) => matches(path))) return false;
  for (const library of [repo.libraryName, ...repo.tags()]) {
    if (library && Object.hasOwn(libraryQueryFiles, library) && libraryQueryFiles[library]!(path)) return true;
  }
  return false;
}
