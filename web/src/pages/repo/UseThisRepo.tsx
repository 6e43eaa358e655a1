/**
 * "Use this model": copyable snippets for git (with LFS), huggingface_hub
 * (HF_ENDPOINT pointing here), @huggingface/hub (hubUrl), and, when the hub
 * serves the model, the OpenAI clients with baseURL `<origin>/v1`.
 */
import { type KeyboardEvent, useId, useState } from "react";
import { CopyButton } from "./CopyButton";
import { CodeBlock } from "./Markdown";
import type { RepoContext } from "./RepoPage";

interface Snippet {
  id: string;
  label: string;
  language: string;
  code: string;
}

export function snippetsFor(ctx: Pick<RepoContext, "type" | "id" | "servable" | "info">, origin: string): Snippet[] {
  const { type, id } = ctx;
  const clonePath = type === "model" ? id : `${type}s/${id}`;
  const pyType = type === "model" ? "" : `, repo_type="${type}"`;
  const jsRepo = type === "model" ? `"${id}"` : `{ type: "${type}", name: "${id}" }`;
  const out: Snippet[] = [];
  if (ctx.servable) {
    out.push({
      id: "openai-python",
      label: "OpenAI (Python)",
      language: "python",
      code: `from openai import OpenAI

client = OpenAI(base_url="${origin}/v1", api_key="hf_...")  # a token of this hub
reply = client.chat.completions.create(
    model="${id}",
    messages=[{"role": "user", "content": "Hello!"}],
)
print(reply.choices[0].message.content)`,
    });
    out.push({
      id: "openai-js",
      label: "OpenAI (JavaScript)",
      language: "javascript",
      code: `import OpenAI from "openai";

const client = new OpenAI({ baseURL: "${origin}/v1", apiKey: process.env.HF_TOKEN });
const reply = await client.chat.completions.create({
  model: "${id}",
  messages: [{ role: "user", content: "Hello!" }],
});
console.log(reply.choices[0].message.content);`,
    });
    out.push({
      id: "curl",
      label: "curl",
      language: "bash",
      code: `curl ${origin}/v1/chat/completions \\
  -H "Authorization: Bearer $HF_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "${id}", "messages": [{"role": "user", "content": "Hello!"}], "stream": true}'`,
    });
  }
  out.push({
    id: "python",
    label: "huggingface_hub",
    language: "python",
    code: `# Point huggingface_hub at this hub (or: export HF_ENDPOINT=...) before importing it.
import os
os.environ["HF_ENDPOINT"] = "${origin}"

from huggingface_hub import snapshot_download

path = snapshot_download("${id}"${pyType})
print(path)`,
  });
  out.push({
    id: "js",
    label: "@huggingface/hub",
    language: "javascript",
    code: `import { downloadFile, listFiles } from "@huggingface/hub";

const hubUrl = "${origin}";
const repo = ${jsRepo};
for await (const file of listFiles({ repo, hubUrl })) console.log(file.path);
const readme = await downloadFile({ repo, path: "README.md", hubUrl });
console.log(await readme?.text());`,
  });
  out.push({
    id: "git",
    label: "git",
    language: "bash",
    code: `# Large files are stored with Git LFS: install it once.
git lfs install
git clone ${origin}/${clonePath}

# Only the pointers of large files (download them later with git lfs pull):
GIT_LFS_SKIP_SMUDGE=1 git clone ${origin}/${clonePath}`,
  });
  return out;
}

export function UseThisRepo({ ctx }: { ctx: RepoContext }) {
  const snippets = snippetsFor(ctx, window.location.origin);
  // Until the reader picks a tab, the first snippet is shown: the OpenAI one once the hub says it serves the model.
  const [selected, setSelected] = useState<string>();
  const current = snippets.find((s) => s.id === selected) ?? snippets[0]!;
  const base = useId();
  const kind = ctx.type === "model" ? "model" : ctx.type === "dataset" ? "dataset" : "space";
  const onKey = (event: KeyboardEvent, index: number) => {
    const delta = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!delta) return;
    event.preventDefault();
    const next = snippets[(index + delta + snippets.length) % snippets.length]!;
    setSelected(next.id);
    document.getElementById(`${base}-tab-${next.id}`)?.focus();
  };
  return (
    <section className="side-section use-this">
      <h2>Use this {kind}</h2>
      <div className="snippet-tabs" role="tablist" aria-label={`Ways to use this ${kind}`}>
        {snippets.map((s, i) => (
          <button
            key={s.id}
            id={`${base}-tab-${s.id}`}
            type="button"
            role="tab"
            className="snippet-tab"
            aria-selected={s.id === current.id}
            aria-controls={`${base}-panel`}
            tabIndex={s.id === current.id ? 0 : -1}
            onClick={() => setSelected(s.id)}
            onKeyDown={(e) => onKey(e, i)}
          >
            {s.label}
          </button>
        ))}
      </div>
      <div id={`${base}-panel`} role="tabpanel" aria-labelledby={`${base}-tab-${current.id}`} className="snippet-panel">
        <div className="snippet-copy">
          <span className="muted">{current.label}</span>
          <CopyButton text={current.code} label="Copy" />
        </div>
        <CodeBlock text={current.code} language={current.language} />
      </div>
    </section>
  );
}
