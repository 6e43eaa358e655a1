/**
 * The model tree (`GET /api/models/<id>/model-tree`): the models this one was
 * made from, and the fine-tunes, adapters, quantizations and merges made from
 * it. A hub without the endpoint, or a model with no relatives, shows nothing.
 */
import { ApiError, repoApiPath, repoPagePath } from "../../api";
import { Link } from "../../router";
import { useApi } from "../../use-api";
import type { RepoContext } from "./RepoPage";
import type { ModelTree, TreeRelation } from "./types";

/** Per relation: how the model below reads from its base, and the group of derived models. */
const relations: Array<{ key: TreeRelation; from: string; group: string; plural: string }> = [
  { key: "finetune", from: "Fine-tuned from", group: "Fine-tunes", plural: "fine-tunes" },
  { key: "adapter", from: "Adapter of", group: "Adapters", plural: "adapters" },
  { key: "quantized", from: "Quantized from", group: "Quantizations", plural: "quantizations" },
  { key: "merge", from: "Merged from", group: "Merges", plural: "merges" },
];

/** Derived models listed under each group; "See all" leads to the rest. */
const shownPerGroup = 3;

/** The listing of the models that name `id` as a base with `relation` (the Hub's `base_model:<relation>:<id>` tag). */
export function derivativesListing(relation: TreeRelation, id: string): string {
  return `/models?other=${encodeURIComponent(`base_model:${relation}:${id}`)}`;
}

export function ModelTreePanel({ ctx }: { ctx: RepoContext }) {
  const tree = useApi<ModelTree>(`${repoApiPath("model", ctx.id)}/model-tree`);
  if (tree.error && !(tree.error instanceof ApiError && tree.error.status === 404)) {
    return (
      <section className="side-section">
        <h2>Model tree</h2>
        <p className="muted">The model tree could not be loaded ({tree.error.message}).</p>
      </section>
    );
  }
  if (!tree.data) return null;
  const ancestors = tree.data.ancestors?.length ? tree.data.ancestors : tree.data.baseModels;
  const derived = relations.filter((r) => (tree.data!.derivatives[r.key]?.count ?? 0) > 0);
  if (ancestors.length === 0 && derived.length === 0) return null;
  return (
    <section className="side-section model-tree" aria-labelledby="model-tree-title">
      <h2 id="model-tree-title">Model tree for {ctx.id}</h2>
      {/* Oldest ancestor first; each row says how the model below it was made from it. */}
      <ol className="tree-chain" aria-label="Base models">
        {[...ancestors].reverse().map((a) => (
          <li key={`${a.relation}-${a.id}`}>
            <span className="tree-relation">{relations.find((r) => r.key === a.relation)?.from ?? a.relation}</span>
            {/* A one-part id (`gpt2`) names a huggingface.co model, not a repo here. */}
            {a.id.includes("/") ? <Link to={repoPagePath("model", a.id)}>{a.id}</Link> : <span className="mono">{a.id}</span>}
          </li>
        ))}
        <li aria-current="true">
          <span className="tree-relation">This model</span>
          <strong>{ctx.id}</strong>
        </li>
      </ol>
      {derived.length > 0 && (
        <ul className="tree-derived" aria-label="Derived models">
          {derived.map((r) => {
            const group = tree.data!.derivatives[r.key]!;
            const listing = derivativesListing(r.key, ctx.id);
            return (
              <li key={r.key}>
                <Link to={listing} className="tree-group">
                  {r.group} <span className="badge">{group.count}</span>
                </Link>
                <ul>
                  {group.models.slice(0, shownPerGroup).map((m) => (
                    <li key={m.id}>
                      <Link to={repoPagePath("model", m.id)}>{m.id}</Link>
                    </li>
                  ))}
                </ul>
                {group.count > shownPerGroup && (
                  <Link to={listing} className="tree-see-all">
                    See all {group.count} {r.plural} →
                  </Link>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
