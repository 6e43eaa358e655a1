/**
 * The repo's home: the model card (README.md without its YAML front matter,
 * which the header and the side panel show as tags and metadata) beside how
 * to use the repo, the model tree and the playground link.
 */
import type { ReactNode } from "react";
import { ApiError } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { Spinner } from "../../components/Spinner";
import { Link, encodePath } from "../../router";
import { useSession } from "../../session";
import { useApi } from "../../use-api";
import { formatBytes, formatParameters } from "./format";
import { Markdown, stripFrontMatter } from "./Markdown";
import { ModelTreePanel } from "./ModelTree";
import type { RepoContext } from "./RepoPage";
import { repoTags } from "./tags";
import { UseThisRepo } from "./UseThisRepo";
import { useText } from "./use-text";

export function CardView({ ctx }: { ctx: RepoContext }) {
  const session = useSession();
  const files = ctx.info.siblings?.map((s) => s.rfilename) ?? [];
  const hasReadme = files.includes("README.md");
  const readme = useText(hasReadme ? `${ctx.base}/resolve/${encodeURIComponent(ctx.info.sha)}/${encodePath("README.md")}` : null);
  const empty = files.every((f) => f === ".gitattributes");
  const canEdit = session.user !== null;
  const kind = ctx.type === "model" ? "model" : ctx.type === "dataset" ? "dataset" : "space";
  return (
    <div className="card-layout">
      <article className="card-main" aria-label={`${kind[0]!.toUpperCase()}${kind.slice(1)} card`}>
        {empty ? (
          <EmptyState
            title="This repository is empty"
            action={
              canEdit ? (
                <Link className="btn btn-primary" to={`${ctx.base}/upload/main`}>
                  Upload files
                </Link>
              ) : undefined
            }
          >
            Push files with git or a Hugging Face client (see “Use this {kind}”), or upload them here.
          </EmptyState>
        ) : !hasReadme ? (
          <EmptyState
            title={`No ${kind} card`}
            action={
              canEdit ? (
                <Link className="btn" to={`${ctx.base}/edit/main/README.md`}>
                  Create a {kind} card
                </Link>
              ) : undefined
            }
          >
            A README.md tells people what this {kind} is, how it was made and how to use it. Its YAML header (license, tags, base model, …) becomes the tags above.
          </EmptyState>
        ) : readme.error ? (
          readme.error instanceof ApiError && (readme.error.status === 401 || readme.error.status === 403) ? (
            <EmptyState title="The card is behind the repository's gate">{readme.error.message}</EmptyState>
          ) : (
            <ErrorBox error={readme.error} title="Could not load the card" onRetry={readme.reload} />
          )
        ) : readme.text === undefined ? (
          <Spinner label="Loading the card…" />
        ) : (
          <>
            {canEdit && (
              <div className="card-tools">
                <Link className="btn btn-small btn-ghost" to={`${ctx.base}/edit/main/README.md`}>
                  Edit {kind} card
                </Link>
              </div>
            )}
            {stripFrontMatter(readme.text).trim() === "" ? (
              <EmptyState title="The card has metadata but no text">Add a description below the YAML header of README.md.</EmptyState>
            ) : (
              <Markdown text={stripFrontMatter(readme.text)} base={{ repoPath: ctx.base, rev: "main", dir: "" }} />
            )}
          </>
        )}
      </article>
      <aside className="card-side" aria-label="About this repository">
        {ctx.servable && (
          <section className="side-section try-it">
            <h2>Try it</h2>
            <p className="muted">This hub serves the model through its OpenAI-compatible API.</p>
            <Link className="btn btn-primary" to={`${ctx.base}/playground`}>
              Open the playground
            </Link>
          </section>
        )}
        <UseThisRepo ctx={ctx} />
        <Metadata ctx={ctx} />
        {ctx.type === "model" && <ModelTreePanel ctx={ctx} />}
      </aside>
    </div>
  );
}

/** The card's YAML front matter as data (`cardData`): the known keys first, the rest as a list. */
function Metadata({ ctx }: { ctx: RepoContext }) {
  const card = ctx.info.cardData ?? {};
  const tags = repoTags(ctx.info);
  const known = new Set(["license", "language", "tags", "base_model", "base_model_relation", "datasets", "pipeline_tag", "library_name", "model-index", "widget", "extra_gated_fields", "extra_gated_prompt", "extra_gated_heading", "extra_gated_button_content"]);
  const rest = Object.entries(card).filter(([k, v]) => !known.has(k) && (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || (Array.isArray(v) && v.every((x) => typeof x === "string"))));
  const rows: Array<[string, ReactNode]> = [];
  if (tags.licenses.length) rows.push(["License", tags.licenses.join(", ")]);
  if (tags.languages.length) rows.push([tags.languages.length > 1 ? "Languages" : "Language", tags.languages.join(", ")]);
  if (tags.baseModels.length) {
    rows.push([
      tags.baseModels.length > 1 ? "Base models" : "Base model",
      tags.baseModels.map((b, i) => (
        <span key={b}>
          {i > 0 && ", "}
          <Link to={`/${b.split("/").map(encodeURIComponent).join("/")}`}>{b}</Link>
        </span>
      )),
    ]);
    // Stated by the card or inferred from the files by the hub's index.
    const relation = ctx.info.baseModels?.relation;
    if (relation) rows.push(["Relation", relationLabels[relation] ?? relation]);
  }
  if (tags.datasets.length) {
    rows.push([
      "Datasets",
      tags.datasets.map((d, i) => (
        <span key={d}>
          {i > 0 && ", "}
          <Link to={`/datasets/${d.split("/").map(encodeURIComponent).join("/")}`}>{d}</Link>
        </span>
      )),
    ]);
  }
  rows.push(...weightRows(ctx.info));
  for (const [key, value] of rest.slice(0, 20)) rows.push([key, Array.isArray(value) ? value.join(", ") : String(value)]);
  if (ctx.info.lastModified) rows.push(["Updated", new Date(ctx.info.lastModified).toLocaleDateString("en", { dateStyle: "medium" })]);
  if (ctx.info.usedStorage !== undefined) rows.push(["Storage", formatBytes(ctx.info.usedStorage)]);
  const warnings = ctx.info.indexWarnings ?? [];
  if (rows.length === 0 && warnings.length === 0) return null;
  return (
    <section className="side-section">
      <h2>Metadata</h2>
      <dl className="meta-list">
        {rows.map(([key, value]) => (
          <div key={key} className="meta-row">
            <dt>{key}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {warnings.length > 0 && <IndexWarnings warnings={warnings} />}
    </section>
  );
}

const relationLabels: Record<string, string> = { finetune: "Fine-tune", adapter: "Adapter", quantized: "Quantization", merge: "Merge" };

/**
 * What the hub read from the weights (repo info's `safetensors`, `gguf` and
 * `config`): parameters, tensor types, and the GGUF model's architecture,
 * context length and quantization.
 */
function weightRows(info: RepoContext["info"]): Array<[string, ReactNode]> {
  const rows: Array<[string, ReactNode]> = [];
  const { safetensors, gguf, config } = info;
  const total = safetensors?.total ?? gguf?.total;
  if (total !== undefined && total > 0) {
    rows.push(["Parameters", <span title={`${total.toLocaleString("en")} parameters`}>{formatParameters(total)} params</span>]);
  }
  if (safetensors && Object.keys(safetensors.parameters).length > 0) {
    // Most parameters first, as the Hub lists them.
    const types = Object.entries(safetensors.parameters).sort((a, b) => b[1] - a[1]);
    rows.push(["Tensor types", types.map(([dtype, n]) => `${dtype} (${formatParameters(n)})`).join(", ")]);
  }
  const architecture = gguf?.architecture ?? config?.architectures?.[0] ?? config?.model_type;
  if (architecture) rows.push(["Architecture", architecture]);
  if (gguf?.context_length) rows.push(["Context length", gguf.context_length.toLocaleString("en")]);
  if (gguf?.quantization) rows.push(["Quantization", `${gguf.quantization} (GGUF)`]);
  return rows;
}

/** Files whose metadata the hub could not read: shown to everyone, so readers know why a field is missing. */
function IndexWarnings({ warnings }: { warnings: NonNullable<RepoContext["info"]["indexWarnings"]> }) {
  return (
    <details className="index-warnings">
      <summary>
        Metadata problems ({warnings.length})
      </summary>
      <ul>
        {warnings.slice(0, 20).map((w, i) => (
          <li key={i}>
            {w.path && <code>{w.path}</code>} {w.message}
          </li>
        ))}
      </ul>
      {warnings.length > 20 && <p className="muted">…and {warnings.length - 20} more.</p>}
    </details>
  );
}
