import type { Readable } from "node:stream";
import type { Db } from "../db/connect.js";
import { findLinkedLfsObjects } from "../db/queries/lfs-objects.js";
import { streamBlob } from "../lib/git/blob-stream.js";
import type { CatFilePool } from "../lib/git/cat-file.js";
import { listTree, type TreeEntry } from "../lib/git/tree.js";
import { type GgufByteSource, readGgufFrom, summarizeGguf } from "../lib/gguf/index.js";
import { type LfsPointer, maxPointerSize, parseLfsPointer } from "../lib/lfs/pointer.js";
import { adapterBaseModel, formatOf, type WeightFormat, weightFormats } from "../lib/model-lineage.js";
import { countSafetensorsParameters, safetensorsHeaderLength, SafetensorsError } from "../lib/safetensors.js";
import type { BlobStore, ByteRange } from "../lib/storage/blob-store.js";
import type { Repo } from "./repos.js";
import { mapLimit } from "../lib/map-limit.js";

/** Something in a repo's files that could not be read; reported on the repo, never thrown. */
export interface IndexWarning {
  path: string;
  message: string;
}

/** `architectures` and `model_type` of config.json (the Hub's `config`). */
export interface ConfigSummary {
  architectures?: string[];
  model_type?: string;
}

/** One GGUF file's header facts. */
export interface GgufFileSummary {
  path: string;
  architecture: string | null;
  /** Parameters of this file's tensors (of the whole set for the first part of a split model). */
  parameters: number;
  quantization: string;
  contextLength: number | null;
  chatTemplate: string | null;
}

/** What a model's files say, read from headers only. */
export interface ModelFileMetadata {
  config?: ConfigSummary;
  /** The repo's main GGUF file (the first by path that is not a later split part), as the Hub reports one. */
  gguf?: GgufFileSummary;
  /** Every GGUF file read, by path. */
  ggufFiles: GgufFileSummary[];
  /** Parameters of every safetensors file together, per dtype and in total. */
  safetensors?: { parameters: Record<string, number>; total: number };
  formats: WeightFormat[];
  /** safetensors total, else the main GGUF's, else null. */
  parameters: number | null;
  hasAdapterConfig: boolean;
  /** `base_model_name_or_path` of adapter_config.json, when it is a model id. */
  adapterBase?: string;
  warnings: IndexWarning[];
}

/** JSON files (config.json, adapter_config.json) larger than this are not read. */
const maxJsonBytes = 1 << 20;
/** At most this many GGUF / safetensors headers are read per indexing; the rest are reported. */
const maxGgufFiles = 32;
const maxSafetensorsFiles = 1024;
/** GGUF metadata (mostly the vocabulary) larger than this is not read. */
const maxGgufMetadataBytes = 64 << 20;
/** First bytes of a GGUF read; the window grows 4× while the metadata runs past it. */
const ggufFirstWindow = 256 << 10;
/** Headers read at the same time. */
const concurrency = 4;
/** `name-00001-of-00003.gguf`: llama.cpp's split files. */
const splitPart = /-(\d{5})-of-(\d{5})\.gguf$/i;

/**
 * Reads the metadata of a model's files at a commit — config.json,
 * adapter_config.json, and the headers of GGUF and safetensors files — without
 * reading weights: LFS files are read by byte range from the blob store, git
 * blobs by a bounded `cat-file`. Anything malformed or missing becomes a
 * warning; `read` only throws when git itself fails.
 */
export class ModelMetadataReader {
  constructor(
    private readonly db: Db,
    private readonly catFiles: CatFilePool,
    private readonly blobStore: BlobStore,
  ) {}

  async read(repo: Repo, commit: string): Promise<ModelFileMetadata> {
    const entries = (await listTree(repo.dir, commit, "", true)).filter((e) => e.type === "blob");
    const warnings: IndexWarning[] = [];
    const formats = weightFormats.filter((f) => entries.some((e) => formatOf(e.path) === f));
    const byPath = new Map(entries.map((e) => [e.path, e]));
    const out: ModelFileMetadata = { ggufFiles: [], formats, parameters: null, hasAdapterConfig: byPath.has("adapter_config.json"), warnings };

    const config = await this.readJson(repo, byPath.get("config.json"), warnings);
    if (config) out.config = configSummary(config);
    const adapter = await this.readJson(repo, byPath.get("adapter_config.json"), warnings);
    if (adapter) out.adapterBase = adapterBaseModel(adapter);

    const sources = await this.sourcesOf(repo, entries.filter((e) => formatOf(e.path) === "gguf" || formatOf(e.path) === "safetensors"), warnings);
    const ggufs = entries.filter((e) => formatOf(e.path) === "gguf" && sources.has(e.path));
    const tensors = entries.filter((e) => formatOf(e.path) === "safetensors" && sources.has(e.path));
    skipped(ggufs, maxGgufFiles, "GGUF", warnings);
    skipped(tensors, maxSafetensorsFiles, "safetensors", warnings);

    const gguf = await mapLimit(ggufs.slice(0, maxGgufFiles), concurrency, (e) => readGgufSummary(e.path, sources.get(e.path)!, warnings));
    out.ggufFiles = gguf.filter((g): g is GgufFileSummary => g !== undefined);
    out.gguf = mainGguf(out.ggufFiles);

    const counts = await mapLimit(tensors.slice(0, maxSafetensorsFiles), concurrency, (e) => readSafetensors(e.path, sources.get(e.path)!, warnings));
    const found = counts.filter((c) => c !== undefined);
    if (found.length) {
      const parameters: Record<string, number> = {};
      let total = 0;
      for (const c of found) {
        for (const [dtype, n] of Object.entries(c.parameters)) parameters[dtype] = (parameters[dtype] ?? 0) + n;
        total += c.total;
      }
      out.safetensors = { parameters, total };
    }
    out.parameters = out.safetensors?.total ?? out.gguf?.parameters ?? null;
    return out;
  }

  /** A small JSON object file, or undefined (with a warning when it exists but cannot be read). */
  private async readJson(repo: Repo, entry: TreeEntry | undefined, warnings: IndexWarning[]): Promise<Record<string, unknown> | undefined> {
    if (!entry) return undefined;
    if (entry.size > maxJsonBytes) {
      warnings.push({ path: entry.path, message: `larger than ${maxJsonBytes} bytes; not read` });
      return undefined;
    }
    const blob = await this.catFiles.get(repo.dir).contents(entry.oid);
    if (!blob) return undefined;
    if (entry.size < maxPointerSize && parseLfsPointer(blob.content)) {
      warnings.push({ path: entry.path, message: "stored in LFS; only a regular git file is read" });
      return undefined;
    }
    try {
      const json: unknown = JSON.parse(blob.content.toString("utf8"));
      if (typeof json === "object" && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
      warnings.push({ path: entry.path, message: "must be a JSON object" });
    } catch (err) {
      warnings.push({ path: entry.path, message: `invalid JSON: ${(err as Error).message.split("\n")[0]}` });
    }
    return undefined;
  }

  /**
   * Byte sources for weight files: the LFS object (only when this repo links
   * it — another repo's object is not this repo's to describe) or the git blob.
   */
  private async sourcesOf(repo: Repo, entries: TreeEntry[], warnings: IndexWarning[]): Promise<Map<string, GgufByteSource>> {
    const git = this.catFiles.get(repo.dir);
    const pointers = new Map<string, LfsPointer>();
    const out = new Map<string, GgufByteSource>();
    for (const e of entries) {
      const pointer = e.size < maxPointerSize ? parseLfsPointer((await git.contents(e.oid))?.content ?? "") : undefined;
      if (pointer) pointers.set(e.path, pointer);
      else out.set(e.path, byteSource(e.size, async (range) => streamBlob(repo.dir, e.oid, range)));
    }
    const linked = await findLinkedLfsObjects(this.db, repo.row.id, [...new Set([...pointers.values()].map((p) => p.oid))]);
    for (const [path, p] of pointers) {
      if (linked.get(p.oid) !== p.size || !(await this.blobStore.stat(p.oid))) {
        warnings.push({ path, message: `its LFS object (sha256:${p.oid}) is not stored on this hub; metadata not read` });
        continue;
      }
      out.set(path, byteSource(p.size, (range) => this.blobStore.read(p.oid, range)));
    }
    return out;
  }
}

function configSummary(json: Record<string, unknown>): ConfigSummary {
  const { architectures, model_type } = json;
  return {
    ...(Array.isArray(architectures) && architectures.every((a) => typeof a === "string") ? { architectures: architectures as string[] } : {}),
    ...(typeof model_type === "string" ? { model_type } : {}),
  };
}

async function readGgufSummary(path: string, source: GgufByteSource, warnings: IndexWarning[]): Promise<GgufFileSummary | undefined> {
  try {
    // Structure only: a file llama.cpp would refuse to run still has metadata worth showing.
    const s = summarizeGguf(await readGgufFrom(source, { maxArrayItems: 64, maxMetadataBytes: maxGgufMetadataBytes, checks: "structure", firstWindowBytes: ggufFirstWindow }));
    return {
      path,
      architecture: s.architecture,
      parameters: s.parameters,
      quantization: s.quantization,
      contextLength: s.contextLength,
      chatTemplate: s.chatTemplate,
    };
  } catch (err) {
    warnings.push({ path, message: (err as Error).message });
    return undefined;
  }
}

async function readSafetensors(path: string, source: GgufByteSource, warnings: IndexWarning[]) {
  try {
    const n = safetensorsHeaderLength(await source.read(0, Math.min(8, source.size)), source.size);
    const header = await source.read(8, n);
    if (header.length < n) throw new SafetensorsError("the file ended inside the header");
    return countSafetensorsParameters(header, source.size - 8 - n);
  } catch (err) {
    const message = err instanceof SafetensorsError ? `invalid safetensors file: ${err.message}` : `could not be read: ${(err as Error).message}`;
    warnings.push({ path, message });
    return undefined;
  }
}

/**
 * The GGUF the Hub describes: the first by path that is not a later part of a
 * split model; a first part counts the parameters of all its parts.
 */
function mainGguf(files: GgufFileSummary[]): GgufFileSummary | undefined {
  const main = files.find((f) => Number(splitPart.exec(f.path)?.[1] ?? "1") === 1);
  if (!main) return undefined;
  const m = splitPart.exec(main.path);
  if (!m) return main;
  const stem = main.path.slice(0, m.index);
  const parts = files.filter((f) => f.path.startsWith(stem) && splitPart.exec(f.path)?.index === stem.length && splitPart.exec(f.path)?.[2] === m[2]);
  return { ...main, parameters: parts.reduce((sum, f) => sum + f.parameters, 0) };
}

function skipped(entries: TreeEntry[], max: number, what: string, warnings: IndexWarning[]): void {
  for (const e of entries.slice(max)) warnings.push({ path: e.path, message: `more than ${max} ${what} files; not read` });
}

/** Ranged reads of a `size`-byte file through `open`, which streams one inclusive byte range. */
function byteSource(size: number, open: (range: ByteRange) => Promise<Readable>): GgufByteSource {
  return {
    size,
    async read(position, length) {
      if (length <= 0 || position >= size) return Buffer.alloc(0);
      const chunks: Buffer[] = [];
      for await (const chunk of await open({ start: position, end: Math.min(position + length, size) - 1 })) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  };
}
