import type { FastifyInstance, FastifyRequest } from "fastify";
import { DomainError } from "../../lib/domain-error.js";
import { type RepoType, repoTypes } from "../../lib/repo-names.js";
import type { Services } from "../../services/index.js";
import type { ListedRepo } from "../../services/listing.js";
import { baseUrlOf } from "../request-context.js";
import { toApiRepoSummary } from "./api-repo.js";
import { queryFlag, queryList, queryString } from "./query.js";
import { apiModelMetadata } from "./api-model-metadata.js";
import { expandableKeys } from "./repo-info.js";

/**
 * `GET /api/models`, `/api/datasets`, `/api/spaces` (hf-hub-protocol.md §4.6,
 * §11(c)), with the query parameters huggingface_hub and @huggingface/hub send:
 *
 * - `search` (repeatable): case-insensitive substring of the repo id, or
 *   words of its name, card metadata and README (full text, CJK included);
 * - `author`: the namespace; `pipeline_tag`; `gated=true|false`;
 * - `filter` (repeatable): tags, all required, bare (`chat`) or in the Hub's
 *   `key:value` forms (`license:mit`, `language:en`, `task_categories:…`);
 *   `library=x`, `language=x` and `license=x` are `filter=library:x`,
 *   `filter=language:x` and `filter=license:x`; formats (`gguf`, `safetensors`,
 *   `onnx`) and `base_model:[<relation>:]<id>` are tags too;
 * - `num_parameters=min:1B,max:7B` (either bound; K, M, B, T);
 * - `sort` (`trendingScore`, `downloads` (30 days), `downloadsAllTime`, `likes`,
 *   `lastModified`, `createdAt`, `id`) and `direction` (-1 default, or 1);
 * - `limit`: page size, clamped; further pages through an absolute
 *   `Link: <…>; rel="next"` that repeats every other parameter with a `cursor`;
 * - `full` (adds `siblings`), `cardData`, `config`, and `expand`/`expand[]`
 *   (only the listed fields plus `_id` and `id`; unknown values are a 400).
 *
 * `apps`, `inference`, `inference_provider` and the like are accepted and ignored.
 */
export function registerListRepos(app: FastifyInstance, services: Services, publicUrl: string): void {
  for (const type of repoTypes) {
    app.get(`/api/${type}s`, async (request, reply) => {
      const q = request.query;
      const expand = parseExpand(q, type);
      const full = queryFlag(q, "full") ?? false;
      const cardData = (queryFlag(q, "cardData") ?? false) || (expand?.includes("cardData") ?? false);
      const config = (queryFlag(q, "config") ?? false) || (expand?.includes("config") ?? false);
      const withSiblings = full || (expand?.includes("siblings") ?? false);
      const page = await services.listing.list(request.principal, {
        type,
        search: queryList(q, "search") ?? [],
        author: queryString(q, "author") || undefined,
        tags: [
          ...(queryList(q, "filter") ?? []),
          ...(queryList(q, "library") ?? []).map((l) => `library:${l}`),
          ...(queryList(q, "language") ?? []).map((l) => `language:${l}`),
          ...(queryList(q, "license") ?? []).map((l) => `license:${l}`),
        ],
        numParameters: queryString(q, "num_parameters") || undefined,
        pipelineTag: queryString(q, "pipeline_tag") || undefined,
        gated: queryFlag(q, "gated"),
        sort: queryString(q, "sort"),
        direction: numberParam(q, "direction"),
        limit: numberParam(q, "limit"),
        cursor: queryString(q, "cursor"),
        withSiblings,
        withConfig: config,
      });
      if (page.nextCursor !== undefined) {
        reply.header("Link", `<${nextPageUrl(request, type, publicUrl, page.nextCursor)}>; rel="next"`);
      }
      return page.items.map((item) => {
        const apiItem = toApiListedRepo(item, { cardData, modelMetadata: expand?.some((f) => indexedModelFields.has(f)) ?? false });
        if (expand === undefined) return apiItem;
        const fields = new Set<string>(["_id", "id", ...expand]);
        if (withSiblings) fields.add("siblings");
        if (cardData) fields.add("cardData");
        if (config) fields.add("config");
        return Object.fromEntries(Object.entries(apiItem).filter(([k]) => fields.has(k)));
      });
    });
  }
}

/** Fields of a listing item that come from the model index (`apiModelMetadata`), sent only when expanded. */
const indexedModelFields = new Set(["gguf", "safetensors", "baseModels"]);

/** One listing item: the repo summary, with `siblings` and `config` when they were read, and indexed model fields when asked. */
function toApiListedRepo(item: ListedRepo, opts: { cardData: boolean; modelMetadata: boolean }): Record<string, unknown> {
  const { repo } = item;
  const summary = toApiRepoSummary(repo, { cardData: opts.cardData });
  const out: Record<string, unknown> = { ...summary, downloadsAllTime: repo.row.downloads_all_time, trendingScore: repo.row.trending_score };
  if (repo.type === "space") {
    // A space's SDK is declared in its card (`sdk: gradio`); @huggingface/hub's listSpaces reads it.
    const card = (summary.cardData ?? JSON.parse(repo.row.card_data)) as Record<string, unknown>;
    if (typeof card.sdk === "string") out.sdk = card.sdk;
  }
  if (opts.modelMetadata) {
    const { gguf, safetensors, baseModels } = apiModelMetadata(repo, repo.row.sha);
    Object.assign(out, gguf && { gguf }, safetensors && { safetensors }, baseModels && { baseModels });
  }
  if (item.siblings) out.siblings = item.siblings.map((rfilename) => ({ rfilename }));
  if (item.config) out.config = item.config;
  return out;
}

function parseExpand(query: unknown, type: RepoType): string[] | undefined {
  const expand = queryList(query, "expand");
  if (expand === undefined) return undefined;
  const unknown = expand.filter((f) => !expandableKeys[type].includes(f));
  if (unknown.length > 0) {
    throw new DomainError(
      "InvalidArgument",
      `"expand" must be one of ${expandableKeys[type].join(", ")}; got ${unknown.slice(0, 5).map((u) => JSON.stringify(u.slice(0, 50))).join(", ")}`,
    );
  }
  return expand;
}

/** An integer parameter, left for the service to range-check; a non-number is refused here. */
function numberParam(query: unknown, key: string): number | undefined {
  const raw = queryString(query, key);
  if (raw === undefined || raw === "") return undefined;
  if (!/^-?\d{1,12}$/.test(raw)) throw new DomainError("InvalidArgument", `'${key}' must be an integer`);
  return Number(raw);
}

/**
 * The next page's absolute URL: this request's query unchanged except for the
 * cursor (Python follows it verbatim, and JS only accepts absolute http(s) URLs).
 */
function nextPageUrl(request: FastifyRequest, type: RepoType, publicUrl: string, cursor: string): string {
  const qs = request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : "";
  const params = new URLSearchParams(qs);
  params.delete("cursor");
  params.append("cursor", cursor);
  return `${baseUrlOf(request, publicUrl)}/api/${type}s?${params.toString()}`;
}
