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

const relations: Array<{ key: TreeRelation; label: string; plural: string }> = [
  { key: "finetune", label: "Fine-tuned from", plural: "Fine-tunes" },
  { key: "adapter", label: "Adapter of", plural: "Adapters" },
  { key: "quantized", label: "Quantized from", plural: "Quantizations" },
  { key: "merge", label: "Merged from", plural: "Merges" },
];

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
    <section className="side-section model-tree">
      <h2>Model tree for {ctx.id}</h2>
      <ol className="tree-chain">
        {[...ancestors].reverse().map((a) => (
          <li key={`${a.relation}-${a.id}`}>
            <span className="tree-relation">{relations.find((r) => r.key === a.relation)?.label ?? a.relation}</span>
            <Link to={repoPagePath("model", a.id)}>{a.id}</Link>
          </li>
        ))}
        <li aria-current="true">
          <span className="tree-relation">This model</span>
          <strong>{ctx.id}</strong>
        </li>
      </ol>
      {derived.length > 0 && (
        <ul className="tree-derived">
          {derived.map((r) => {
            const group = tree.data!.derivatives[r.key]!;
            return (
              <li key={r.key}>
                <Link to={`/models?other=${encodeURIComponent(`base_model:${r.key}:${ctx.id}`)}`}>
                  {r.plural} <span className="badge">{group.count}</span>
                </Link>
                <ul>
                  {group.models.slice(0, 3).map((m) => (
                    <li key={m.id}>
                      <Link to={repoPagePath("model", m.id)}>{m.id}</Link>
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
