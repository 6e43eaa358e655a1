/**
 * Try the model in the browser, through the hub's OpenAI-compatible API with
 * the visitor's session: a streaming chat (system prompt, temperature, max
 * tokens, stop) and an embeddings tester (dimension, first values, cosine
 * similarity of two texts).
 */
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { api } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { Link } from "../../router";
import { useAction } from "../../use-action";
import { useTitle } from "../../use-api";
import type { RepoContext } from "./RepoPage";
import { readSse } from "./sse";

/** llama.cpp architectures that make embeddings rather than chat. */
const embeddingArchitectures = new Set(["bert", "nomic-bert", "nomic-bert-moe", "jina-bert-v2", "neo-bert", "modern-bert", "t5encoder"]);

export function defaultMode(ctx: Pick<RepoContext, "info">): "chat" | "embeddings" {
  const { info } = ctx;
  if (info.gguf?.architecture && embeddingArchitectures.has(info.gguf.architecture)) return "embeddings";
  if (info.pipeline_tag === "feature-extraction" || info.pipeline_tag === "sentence-similarity") return "embeddings";
  if (info.library_name === "sentence-transformers") return "embeddings";
  return "chat";
}

export function Playground({ ctx }: { ctx: RepoContext }) {
  useTitle(`Playground · ${ctx.id}`);
  const [mode, setMode] = useState<"chat" | "embeddings">(defaultMode(ctx));
  if (!ctx.servable) {
    return (
      <EmptyState title="This model cannot be run on this hub" action={<Link to={ctx.base} className="btn">Back to the model card</Link>}>
        The hub serves models that hold a GGUF file (see the inference docs). Push a .gguf file to try it here.
      </EmptyState>
    );
  }
  return (
    <section className="playground" aria-labelledby="playground-title">
      <div className="playground-head">
        <h2 id="playground-title">Playground</h2>
        <div className="segmented" role="group" aria-label="Mode">
          <button type="button" className="btn btn-small" aria-pressed={mode === "chat"} onClick={() => setMode("chat")}>
            Chat
          </button>
          <button type="button" className="btn btn-small" aria-pressed={mode === "embeddings"} onClick={() => setMode("embeddings")}>
            Embeddings
          </button>
        </div>
      </div>
      <p className="muted playground-note">
        Runs <code>{ctx.id}</code> on this hub through <code>/v1</code>, as the OpenAI clients call it (see “Use this model” on the card).
      </p>
      {mode === "chat" ? <Chat model={ctx.id} /> : <Embeddings model={ctx.id} />}
    </section>
  );
}

interface Message {
  role: "user" | "assistant";
  content: string;
  /** The answer stopped early (Stop pressed, or the token limit). */
  note?: string;
}

function Chat({ model }: { model: string }) {
  const [system, setSystem] = useState("");
  const [temperature, setTemperature] = useState(0.7);
  const [maxTokens, setMaxTokens] = useState(256);
  const [messages, setMessages] = useState<Message[]>([]);
  const [input, setInput] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [streaming, setStreaming] = useState(false);
  const controller = useRef<AbortController | null>(null);
  const logRef = useRef<HTMLOListElement>(null);
  const ids = { system: useId(), temperature: useId(), maxTokens: useId(), input: useId() };

  useEffect(() => () => controller.current?.abort(), []);
  useEffect(() => {
    logRef.current?.lastElementChild?.scrollIntoView?.({ block: "nearest" });
  }, [messages]);

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    const text = input.trim();
    if (!text || streaming) return;
    const history: Message[] = [...messages, { role: "user", content: text }];
    setMessages([...history, { role: "assistant", content: "" }]);
    setInput("");
    setError(null);
    setStreaming(true);
    const abort = new AbortController();
    controller.current = abort;
    const update = (fn: (m: Message) => Message) =>
      setMessages((all) => [...all.slice(0, -1), fn(all[all.length - 1]!)]);
    try {
      const res = await api<Response>("/v1/chat/completions", {
        method: "POST",
        as: "response",
        headers: { Accept: "text/event-stream" },
        signal: abort.signal,
        json: {
          model,
          stream: true,
          temperature,
          max_tokens: maxTokens,
          messages: [...(system.trim() ? [{ role: "system", content: system.trim() }] : []), ...history.map((m) => ({ role: m.role, content: m.content }))],
        },
      });
      for await (const chunk of readSse(res.body!, abort.signal)) {
        const choice = (chunk as { choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }> }).choices?.[0];
        const piece = choice?.delta?.content;
        if (piece) update((m) => ({ ...m, content: m.content + piece }));
        if (choice?.finish_reason === "length") update((m) => ({ ...m, note: `Stopped at the limit of ${maxTokens} tokens.` }));
      }
    } catch (err) {
      if ((err as Error).name === "AbortError") update((m) => ({ ...m, note: "Stopped." }));
      else {
        setError(err as Error);
        setMessages((all) => (all[all.length - 1]?.content === "" ? all.slice(0, -1) : all));
      }
    } finally {
      setStreaming(false);
      controller.current = null;
    }
  };
  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <div className="chat">
      <details className="chat-settings" open>
        <summary>Settings</summary>
        <div className="chat-settings-fields">
          <div className="field">
            <label htmlFor={ids.system} className="field-label">
              System prompt
            </label>
            <textarea id={ids.system} className="textarea" rows={2} value={system} onChange={(e) => setSystem(e.target.value)} placeholder="You are a helpful assistant." />
          </div>
          <div className="field">
            <label htmlFor={ids.temperature} className="field-label">
              Temperature <output htmlFor={ids.temperature}>{temperature.toFixed(1)}</output>
            </label>
            <input id={ids.temperature} type="range" min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(Number(e.target.value))} />
          </div>
          <div className="field">
            <label htmlFor={ids.maxTokens} className="field-label">
              Max tokens
            </label>
            <input id={ids.maxTokens} className="input" type="number" min={1} max={32768} value={maxTokens} onChange={(e) => setMaxTokens(Math.max(1, Math.min(32768, Number(e.target.value) || 1)))} />
          </div>
        </div>
      </details>
      <ol className="chat-log" ref={logRef} role="log" aria-live="polite" aria-label="Conversation">
        {messages.length === 0 && <li className="chat-empty muted">Send a message to start. Enter sends, Shift+Enter adds a line.</li>}
        {messages.map((m, i) => (
          <li key={i} className={`chat-message chat-${m.role}`}>
            <span className="chat-role">{m.role === "user" ? "You" : "Model"}</span>
            <div className="chat-content">
              {m.content || (streaming && i === messages.length - 1 ? <span className="muted">…</span> : "")}
            </div>
            {m.note && <div className="chat-note muted">{m.note}</div>}
          </li>
        ))}
      </ol>
      {error && <ErrorBox error={error} title="The model could not answer" />}
      <form className="chat-input" onSubmit={(e) => void send(e)}>
        <label htmlFor={ids.input} className="visually-hidden">
          Message
        </label>
        <textarea id={ids.input} className="textarea" rows={2} value={input} onChange={(e) => setInput(e.target.value)} onKeyDown={onKey} placeholder="Type a message…" />
        <div className="chat-buttons">
          {streaming ? (
            <button type="button" className="btn btn-danger" onClick={() => controller.current?.abort()}>
              Stop
            </button>
          ) : (
            <button type="submit" className="btn btn-primary" disabled={!input.trim()}>
              Send
            </button>
          )}
          <button type="button" className="btn btn-ghost" onClick={() => setMessages([])} disabled={streaming || messages.length === 0}>
            Clear
          </button>
        </div>
      </form>
    </div>
  );
}

interface EmbeddingResult {
  vectors: number[][];
}

function Embeddings({ model }: { model: string }) {
  const [a, setA] = useState("");
  const [b, setB] = useState("");
  const [result, setResult] = useState<EmbeddingResult | null>(null);
  const action = useAction();
  const ids = { a: useId(), b: useId() };
  const run = async (event: FormEvent) => {
    event.preventDefault();
    const inputs = [a, b].map((t) => t.trim()).filter(Boolean);
    if (inputs.length === 0) return;
    const ok = await action.run(async () => {
      const res = await api<{ data: Array<{ index: number; embedding: number[] }> }>("/v1/embeddings", { json: { model, input: inputs } });
      setResult({ vectors: [...res.data].sort((x, y) => x.index - y.index).map((d) => d.embedding) });
    });
    if (!ok) setResult(null);
  };
  const [va, vb] = result?.vectors ?? [];
  return (
    <form className="embeddings" onSubmit={(e) => void run(e)}>
      <div className="field">
        <label htmlFor={ids.a} className="field-label">
          Text
        </label>
        <textarea id={ids.a} className="textarea" rows={2} value={a} onChange={(e) => setA(e.target.value)} placeholder="A sentence to embed" />
      </div>
      <div className="field">
        <label htmlFor={ids.b} className="field-label">
          Second text (optional: to compare)
        </label>
        <textarea id={ids.b} className="textarea" rows={2} value={b} onChange={(e) => setB(e.target.value)} placeholder="Another sentence" />
      </div>
      <p>
        <button type="submit" className="btn btn-primary" disabled={action.busy || !(a.trim() || b.trim())}>
          {action.busy ? "Embedding…" : "Compute embeddings"}
        </button>
      </p>
      {action.error !== undefined && <ErrorBox error={action.error} title="Could not compute embeddings" />}
      {va && (
        <div className="embedding-result" role="status">
          <p>
            Dimension: <strong className="embedding-dim">{va.length}</strong>
          </p>
          {result!.vectors.map((v, i) => (
            <p key={i} className="mono embedding-values">
              [{v.slice(0, 8).map((x) => x.toFixed(4)).join(", ")}
              {v.length > 8 ? ", …" : ""}]
            </p>
          ))}
          {vb && (
            <p>
              Cosine similarity: <strong className="embedding-cosine">{cosine(va, vb).toFixed(4)}</strong>
            </p>
          )}
        </div>
      )}
    </form>
  );
}

export function cosine(x: number[], y: number[]): number {
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    dot += x[i]! * y[i]!;
    nx += x[i]! * x[i]!;
    ny += y[i]! * y[i]!;
  }
  return nx === 0 || ny === 0 ? 0 : dot / Math.sqrt(nx * ny);
}
