/**
 * The gate of a gated repo (`GET …/gate`, contracts: access requests): the
 * owner's heading, prompt and the form of the card's `extra_gated_fields`,
 * shown above the card and instead of files and playground to those whose
 * access is not accepted. Submitting posts `…/ask-access`; the panel then says
 * where the request stands, and an accepted one reloads the page's data.
 */
import { type FormEvent, useState } from "react";
import { api } from "../../api";
import { ErrorBox } from "../../components/ErrorBox";
import { Link, useRoute } from "../../router";
import { useSession } from "../../session";
import { useAction } from "../../use-action";
import { apiBase, type RepoContext } from "./RepoPage";
import "../manage.css";

export interface GateField {
  name: string;
  type: string;
  options?: string[];
}

/** `GET /api/{t}/<repo>/gate` */
export interface Gate {
  gated: false | "auto" | "manual";
  status: "none" | "pending" | "accepted" | "rejected";
  hasAccess: boolean;
  heading: string;
  prompt: string;
  description: string | null;
  buttonContent: string;
  fields: GateField[];
}

/** A short list of countries for the `country` field (answers are free text on the hub; the list only helps typing). */
const countries = [
  "Argentina", "Australia", "Austria", "Belgium", "Brazil", "Canada", "Chile", "China", "Colombia", "Czechia", "Denmark", "Egypt",
  "Finland", "France", "Germany", "Greece", "India", "Indonesia", "Ireland", "Israel", "Italy", "Japan", "Kenya", "Mexico",
  "Netherlands", "New Zealand", "Nigeria", "Norway", "Poland", "Portugal", "South Korea", "Spain", "Sweden", "Switzerland",
  "Turkey", "Ukraine", "United Kingdom", "United States", "Vietnam",
];

export function GatePanel({ ctx, gate, onChange }: { ctx: RepoContext; gate: Gate; onChange: (next: Gate) => void }) {
  const session = useSession();
  const route = useRoute();
  const kind = ctx.type === "model" ? "model" : ctx.type === "dataset" ? "dataset" : "space";
  return (
    <section className="card gate" aria-labelledby="gate-heading">
      <h2 id="gate-heading" className="gate-heading">
        <svg className="gate-lock" viewBox="0 0 16 16" width="18" height="18" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M4 7V5a4 4 0 1 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7H4Zm2 0h4V5a2 2 0 1 0-4 0v2Z" />
        </svg>
        {gate.heading}
      </h2>
      <p className="gate-prompt">{gate.prompt}</p>
      {gate.description && <p className="muted">{gate.description}</p>}
      {!session.user ? (
        <p className="notice gate-status">
          This {kind} is gated.{" "}
          <Link to={`/login?next=${encodeURIComponent(route.pathname + route.search)}`}>Sign in to request access</Link>
          {session.allowSignup && (
            <>
              {" "}or <Link to={`/join?next=${encodeURIComponent(route.pathname + route.search)}`}>create an account</Link>
            </>
          )}
          .
        </p>
      ) : gate.status === "pending" ? (
        <p className="notice gate-status" role="status">
          <strong>Your request is pending.</strong> The authors review requests to this {kind} by hand; its files open once they accept yours.
        </p>
      ) : gate.status === "rejected" ? (
        <div className="error-box gate-status" role="status">
          <strong>Your request was not accepted.</strong>
          <p>The authors of this {kind} declined your access request. Contact them if you think this is a mistake.</p>
        </div>
      ) : (
        <GateForm ctx={ctx} gate={gate} onChange={onChange} />
      )}
    </section>
  );
}

function GateForm({ ctx, gate, onChange }: { ctx: RepoContext; gate: Gate; onChange: (next: Gate) => void }) {
  const [answers, setAnswers] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(gate.fields.map((f) => [f.name, f.type === "checkbox" ? false : ""])),
  );
  const action = useAction();
  const set = (name: string, value: string | boolean) => setAnswers((a) => ({ ...a, [name]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(
      async () => {
        const fields = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, typeof v === "string" ? v.trim() : v]));
        onChange(await api<Gate>(`${apiBase(ctx)}/ask-access`, { json: { fields } }));
      },
      { keepBusy: true },
    );
  };

  return (
    <form className="form gate-form" onSubmit={(e) => void submit(e)} aria-label="Request access">
      {action.error !== undefined && <ErrorBox error={action.error} title="Could not send the request" />}
      {gate.fields.map((f, i) => {
        const id = `gate-field-${i}`;
        if (f.type === "checkbox") {
          return (
            <label key={f.name} className="check gate-check">
              <input id={id} type="checkbox" checked={answers[f.name] === true} onChange={(e) => set(f.name, e.target.checked)} required />
              <span>{f.name}</span>
            </label>
          );
        }
        return (
          <div key={f.name} className="field">
            <label htmlFor={id}>{f.name}</label>
            {f.type === "select" ? (
              <select id={id} className="select" value={String(answers[f.name] ?? "")} onChange={(e) => set(f.name, e.target.value)} required>
                <option value="">Choose…</option>
                {(f.options ?? []).map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : f.type === "date_picker" ? (
              <input id={id} type="date" className="input" value={String(answers[f.name] ?? "")} onChange={(e) => set(f.name, e.target.value)} required />
            ) : f.type === "country" ? (
              <>
                <input id={id} className="input" list={`${id}-list`} autoComplete="country-name" value={String(answers[f.name] ?? "")} onChange={(e) => set(f.name, e.target.value)} required />
                <datalist id={`${id}-list`}>
                  {countries.map((c) => (
                    <option key={c} value={c} />
                  ))}
                </datalist>
              </>
            ) : (
              <input id={id} className="input" value={String(answers[f.name] ?? "")} onChange={(e) => set(f.name, e.target.value)} maxLength={1000} required />
            )}
          </div>
        );
      })}
      <p className="field-help">
        Your username{gate.fields.length > 0 ? ", these answers" : ""} and email address are shared with the authors.
        {gate.gated === "manual" ? " They review each request." : " Access is granted at once."}
      </p>
      <div>
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {action.busy ? "Sending…" : gate.buttonContent}
        </button>
      </div>
    </form>
  );
}
