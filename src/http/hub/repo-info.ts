import type { FastifyInstance, FastifyRequest } from "fastify";
import { DomainError } from "../../lib/domain-error.js";
import { type RepoType, repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import type { RepoFile } from "../../services/repo-files.js";
import type { RepoInfo } from "../../services/repo-info.js";
import { repoRefOf } from "../request-context.js";
import { apiModelMetadata } from "./api-model-metadata.js";
import { toApiRepoSummary } from "./api-repo.js";
import { queryFlag, queryList } from "./query.js";
import { rawTailAfter, splitRevisionAndPath } from "./revision-path.js";

/**
 * The `expand` values the Hub accepts per repo type: huggingface_hub's
 * `Expand{Model,Dataset,Space}Property_T` and @huggingface/hub's
 * `*_EXPANDABLE_KEYS`. Anything else is a 400, as on huggingface.co. Values we
 * have no data for (`transformersInfo`, `runtime`, …) are accepted and left
 * out of the answer, which both clients read as "unknown".
 */
export const expandableKeys: Record<RepoType, readonly string[]> = {
  model: [
    "author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt", "disabled", "downloads",
    "downloadsAllTime", "evalResults", "gated", "gguf", "gitalyUid", "inference", "inferenceProviderMapping",
    "lastModified", "library_name", "likes", "mask_token", "model-index", "pipeline_tag", "private", "resourceGroup",
    "safetensors", "sha", "siblings", "spaces", "tags", "transformersInfo", "trendingScore", "usedStorage", "widgetData",
    "xetEnabled",
  ],
  dataset: [
    "author", "cardData", "citation", "createdAt", "description", "disabled", "downloads", "downloadsAllTime", "gated",
    "gitalyUid", "lastModified", "likes", "paperswithcode_id", "private", "resourceGroup", "sha", "siblings", "tags",
    "trendingScore", "usedStorage", "xetEnabled",
  ],
  space: [
    "author", "cardData", "createdAt", "datasets", "disabled", "gitalyUid", "lastModified", "likes", "models", "private",
    "resourceGroup", "runtime", "sdk", "sha", "siblings", "subdomain", "tags", "trendingScore", "usedStorage", "xetEnabled",
  ],
};

/** Fields derived from the revision's model card. */
const cardFields = new Set(["cardData", "tags", "pipeline_tag", "library_name", "model-index", "widgetData", "sdk", "models", "datasets", "paperswithcode_id"]);

/** A file of repo info's `siblings`; sizes and LFS metadata only with `blobs=true` (hf-hub-protocol.md §4.1). */
interface ApiSibling {
  rfilename: string;
  size?: number;
  blobId?: string;
  lfs?: { sha256: string; size: number; pointerSize: number };
}

/**
 * `GET /api/{models,datasets,spaces}/<ns>/<name>` (the default branch) and
 * `…/revision/<rev>` (JS clients ask `/revision/HEAD`). `expand`/`expand[]`
 * narrows the answer to the listed fields plus `_id` and `id`.
 */
export function registerRepoInfo(app: FastifyInstance, services: Services): void {
  for (const type of repoTypes) {
    const base = `/api/${type}s/:namespace/:name`;
    const handler = async (request: FastifyRequest) => {
      const expand = parseExpand(request.query, type);
      const want = (field: string) => expand === undefined || expand.includes(field);
      const blobs = queryFlag(request.query, "blobs") ?? false;
      const info = await services.repoInfo.describe(request.principal, repoRefOf(type, request.params), revisionOf(request, base), {
        card: expand === undefined || expand.some((f) => cardFields.has(f)),
        files: want("siblings") ? { details: blobs } : undefined,
        usedStorage: want("usedStorage"),
      });
      const full = toApiRepoInfo(info, { blobs });
      // Indexed file metadata (config, gguf, safetensors, baseModels), and the model tree's child count when asked.
      Object.assign(full, apiModelMetadata(info.repo, info.commit));
      if (type === "model" && expand?.includes("childrenModelCount")) {
        full.childrenModelCount = await services.modelTree.childrenCount(request.principal, info.repo);
      }
      // The web app shows whether the signed-in caller likes the repo.
      if (request.principal.kind === "user" && expand === undefined) full.isLikedByUser = await services.likes.isLikedBy(request.principal, info.repo);
      if (expand === undefined) return full;
      const picked: Record<string, unknown> = { _id: full._id, id: full.id };
      for (const field of expand) if (full[field] !== undefined) picked[field] = full[field];
      return picked;
    };
    app.get(base, handler);
    app.get(`${base}/revision/*`, handler);
  }
}

function parseExpand(query: unknown, type: RepoType): string[] | undefined {
  const expand = queryList(query, "expand");
  if (expand === undefined) return undefined;
  const unknown = expand.filter((f) => !expandableKeys[type].includes(f));
  if (unknown.length > 0) {
    throw new DomainError("InvalidArgument", `"expand" must be one of ${expandableKeys[type].join(", ")}; got ${unknown.slice(0, 5).map((u) => JSON.stringify(u.slice(0, 50))).join(", ")}`);
  }
  return expand;
}

/** `HEAD` (the default branch) without `/revision/`; otherwise the revision, `%2F`-encoded or raw. */
function revisionOf(request: FastifyRequest, base: string): string {
  const { namespace, name } = request.params as { namespace: string; name: string };
  const prefix = `${base.replace(":namespace", namespace).replace(":name", name)}/revision/`;
  if (!request.url.split("?", 1)[0]!.startsWith(prefix)) return "HEAD";
  const { revision, path } = splitRevisionAndPath(rawTailAfter(request.url, prefix));
  // A raw branch name with slashes (`feature/x`) arrives as revision + "path".
  return path === "" ? revision : `${revision}/${path}`;
}

/** Repo info in the Hub's shape: the listing summary at this revision, plus what only repo info carries. */
function toApiRepoInfo(info: RepoInfo, opts: { blobs: boolean }): Record<string, unknown> {
  const { repo, card } = info;
  const summary = toApiRepoSummary(repo);
  const out: Record<string, unknown> = {
    ...summary,
    sha: info.commit,
    downloadsAllTime: repo.row.downloads_all_time,
    trendingScore: repo.row.trending_score,
  };
  if (card) {
    delete out.pipeline_tag;
    delete out.library_name;
    out.tags = card.tags;
    if (card.pipelineTag) out.pipeline_tag = card.pipelineTag;
    if (card.libraryName) out.library_name = card.libraryName;
    out.cardData = card.data;
    const d = card.data;
    if (repo.type === "model") {
      if (Array.isArray(d["model-index"])) out["model-index"] = d["model-index"];
      if (Array.isArray(d.widget)) out.widgetData = d.widget;
    }
    if (repo.type === "dataset" && typeof d.paperswithcode_id === "string") out.paperswithcode_id = d.paperswithcode_id;
    if (repo.type === "space") {
      if (typeof d.sdk === "string") out.sdk = d.sdk;
      out.models = stringList(d.models);
      out.datasets = stringList(d.datasets);
    }
  }
  if (repo.type === "model") out.spaces = [];
  if (info.files) out.siblings = info.files.map((f) => toApiSibling(f, opts.blobs));
  if (info.usedStorage !== undefined) out.usedStorage = info.usedStorage;
  return out;
}

function toApiSibling(f: RepoFile, details: boolean): ApiSibling {
  if (!details) return { rfilename: f.path };
  const s: ApiSibling = { rfilename: f.path, size: f.size, blobId: f.oid };
  if (f.lfs) s.lfs = { sha256: f.lfs.oid, size: f.lfs.size, pointerSize: f.lfs.pointerSize };
  return s;
}

function stringList(v: unknown): string[] {
  return (Array.isArray(v) ? v : typeof v === "string" ? [v] : []).filter((x): x is string => typeof x === "string");
}
