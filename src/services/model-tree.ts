import type { Db } from "../db/connect.js";
import { baseModelsOf, countDerivatives, listDerivatives } from "../db/queries/model-index.js";
import type { RepoRow } from "../db/queries/repos.js";
import { DomainError } from "../lib/domain-error.js";
import { type BaseModelEdge, type BaseModelRelation, baseModelRelations } from "../lib/model-lineage.js";
import { readablePrivateScope } from "./access.js";
import type { Principal } from "./principal.js";
import type { Repo, RepoRef, RepoService } from "./repos.js";

/** A model's place in the model tree, as the caller may see it. */
export interface ModelTree {
  repo: Repo;
  /** The base models its card names, with its relation to them. */
  baseModels: BaseModelEdge[];
  /** Base models, their base models and so on, nearest first; only those the caller may see are followed. */
  ancestors: BaseModelEdge[];
  /** Models that name it as a base, per relation: how many the caller may see, and the first of them. */
  derivatives: Record<BaseModelRelation, { count: number; models: Repo[] }>;
}

/** Ancestors listed at most, so a deep or cyclic lineage stays a bounded walk. */
const maxAncestors = 64;
/** Default and largest number of derivatives listed per relation. */
const defaultLimit = 50;
const maxLimit = 100;

/**
 * The model tree (https://huggingface.co/docs/hub/model-cards#model-family-tree):
 * ancestors through the base-model edges of each repo, derivatives through the
 * edge index on the base model. Private repos the caller may not read are
 * neither counted nor listed, nor walked through.
 */
export class ModelTreeService {
  constructor(
    private readonly db: Db,
    private readonly repos: RepoService,
  ) {}

  async tree(p: Principal, ref: RepoRef, opts: { limit?: number } = {}): Promise<ModelTree> {
    const limit = opts.limit ?? defaultLimit;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxLimit) {
      throw new DomainError("InvalidArgument", `limit must be an integer from 1 to ${maxLimit}`);
    }
    const repo = await this.repos.findReadable(p, ref);
    const baseModels = await this.edgesOf(repo.row.id);
    const ancestors = await this.ancestorsOf(p, repo.id, baseModels);
    const scope = readablePrivateScope(p);
    const counts = await countDerivatives(this.db, repo.id, scope);
    const entries = await Promise.all(
      baseModelRelations.map(async (relation) => {
        const count = counts.get(relation) ?? 0;
        const rows = count ? await listDerivatives(this.db, repo.id, relation, scope, limit) : [];
        return [relation, { count, models: rows.map((r) => this.toRepo(r)) }] as const;
      }),
    );
    return { repo, baseModels, ancestors, derivatives: Object.fromEntries(entries) as ModelTree["derivatives"] };
  }

  /** How many models the caller may see name `repo` as a base (the Hub's `childrenModelCount`). */
  async childrenCount(p: Principal, repo: Repo): Promise<number> {
    const counts = await countDerivatives(this.db, repo.id, readablePrivateScope(p));
    return [...counts.values()].reduce((a, b) => a + b, 0);
  }

  /** Breadth-first up the edges, so nearer ancestors come first; each id once. */
  private async ancestorsOf(p: Principal, selfId: string, direct: BaseModelEdge[]): Promise<BaseModelEdge[]> {
    const seen = new Set([selfId]);
    const out: BaseModelEdge[] = [];
    const queue = [...direct];
    while (queue.length && out.length < maxAncestors) {
      const edge = queue.shift()!;
      if (seen.has(edge.id)) continue;
      seen.add(edge.id);
      out.push(edge);
      const [namespace, name, ...rest] = edge.id.split("/");
      if (!namespace || !name || rest.length) continue; // a one-part id names no repo here
      // A base the caller may not read is named (its child's card names it) but not followed.
      const base = await this.repos.findReadable(p, { type: "model", namespace, name }).catch((err: unknown) => {
        if (err instanceof DomainError && err.code === "RepoNotFound") return undefined;
        throw err;
      });
      if (base) queue.push(...(await this.edgesOf(base.row.id)));
    }
    return out;
  }

  private async edgesOf(repoId: number): Promise<BaseModelEdge[]> {
    return (await baseModelsOf(this.db, repoId)).map((e) => ({ id: e.base_model, relation: e.relation as BaseModelRelation }));
  }

  private toRepo(row: RepoRow): Repo {
    const type = row.type as Repo["type"];
    return { row, type, id: `${row.namespace}/${row.name}`, dir: this.repos.dirOf(type, row.namespace, row.name) };
  }
}
