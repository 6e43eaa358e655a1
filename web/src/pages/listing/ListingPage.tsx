/**
 * `/models`, `/datasets`, `/spaces`: the Hub's listing API with full-text
 * search, filters and sorts. The whole query lives in the page URL (share it,
 * reload it); pages follow the API's `Link` cursor, and "Previous" goes back
 * along the cursors this tab has followed.
 */
import { type FormEvent, useEffect, useId, useState } from "react";
import { api, plural, type RepoType } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { Spinner } from "../../components/Spinner";
import { Link, useSearchParams } from "../../router";
import { useTitle } from "../../use-api";
import type { RepoSummary } from "../repo/types";
import { RepoCard, taskLabel } from "./RepoCard";
import { formats, libraries, licenses, parameterRangeLabel, parameterRanges, sorts, tasks } from "./tasks";
import "./listing.css";

const pageSize = 30;
/** Query keys the page keeps in its URL; each change starts again at the first page. */
const filterKeys = ["search", "author", "pipeline_tag", "library", "format", "num_parameters", "language", "license", "other", "sort"] as const;

interface Page {
  items: RepoSummary[];
  next?: string;
}

export function ListingPage({ type }: { type: RepoType }) {
  const title = type === "model" ? "Models" : type === "dataset" ? "Datasets" : "Spaces";
  useTitle(title);
  const [params, setParams] = useSearchParams();
  const query = params.toString();
  const cursor = params.get("cursor") ?? undefined;
  const [state, setState] = useState<{ query: string; page?: Page; error?: Error }>({ query: "" });

  useEffect(() => {
    const controller = new AbortController();
    api<Response>(`/api/${plural[type]}?${apiQuery(type, new URLSearchParams(query))}`, { as: "response", signal: controller.signal })
      .then(async (res) => setState({ query, page: { items: (await res.json()) as RepoSummary[], next: nextCursor(res.headers.get("Link")) } }))
      .catch((error: Error) => {
        if (error.name !== "AbortError") setState({ query, error });
      });
    return () => controller.abort();
  }, [type, query]);

  const setFilter = (changes: Record<string, string | undefined>) => setParams({ ...changes, cursor: undefined });
  const active = state.query === query;
  const prev = cursor ? previousCursor(query) : undefined;
  const filterState = Object.fromEntries(filterKeys.map((k) => [k, params.get(k) ?? ""])) as Record<(typeof filterKeys)[number], string>;

  return (
    <div className="container listing">
      <div className="listing-head">
        <h1>{title}</h1>
        <SearchField key={type} type={type} value={filterState.search} onSearch={(search) => setFilter({ search })} />
        <label className="sort-field">
          <span>Sort</span>
          <select className="select" value={filterState.sort || "trending"} onChange={(e) => setFilter({ sort: e.target.value === "trending" ? undefined : e.target.value })}>
            {sorts.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="listing-body">
        <Filters type={type} values={filterState} onChange={setFilter} />
        <section className="listing-results" aria-label="Results" aria-busy={!active}>
          <ActiveFilters values={filterState} onChange={setFilter} />
          {!active && <Spinner />}
          {active && state.error && <ErrorBox error={state.error} title={`Could not list ${plural[type]}`} />}
          {active && state.page && state.page.items.length === 0 && (
            <EmptyState title={`No ${plural[type]} found`}>
              {hasFilters(filterState) ? "Try fewer filters or another search." : `Nobody has published ${type === "model" ? "a model" : `a ${type}`} here yet.`}
            </EmptyState>
          )}
          {active && state.page && state.page.items.length > 0 && (
            <>
              <ul className="repo-list">
                {state.page.items.map((repo) => (
                  <RepoCard key={repo.id} repo={repo} type={type} />
                ))}
              </ul>
              <nav className="pager" aria-label="Pages">
                {cursor ? (
                  <Link className="btn" to={pageUrl(type, query, prev)} rel="prev">
                    ← Previous
                  </Link>
                ) : (
                  <span />
                )}
                {state.page.next && (
                  <Link className="btn" to={pageUrl(type, query, state.page.next)} rel="next" onClick={() => rememberPrevious(query, state.page!.next!, cursor)}>
                    Next →
                  </Link>
                )}
              </nav>
            </>
          )}
        </section>
      </div>
    </div>
  );
}

/** The full-text search box; typing updates the URL after a short pause. */
function SearchField({ type, value, onSearch }: { type: RepoType; value: string; onSearch: (v: string | undefined) => void }) {
  const [text, setText] = useState(value);
  const id = useId();
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => onSearch(text.trim() || undefined), 350);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(text.trim() || undefined);
  };
  return (
    <form className="listing-search" role="search" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        Filter {plural[type]}
      </label>
      <input id={id} className="input" type="search" placeholder={`Filter ${plural[type]} by name or description`} value={text} onChange={(e) => setText(e.target.value)} />
    </form>
  );
}

function Filters({ type, values, onChange }: { type: RepoType; values: Record<string, string>; onChange: (c: Record<string, string | undefined>) => void }) {
  const ids = useId();
  const [other, setOther] = useState("");
  const [author, setAuthor] = useState(values.author ?? "");
  useEffect(() => setAuthor(values.author ?? ""), [values.author]);
  const [language, setLanguage] = useState(values.language ?? "");
  useEffect(() => setLanguage(values.language ?? ""), [values.language]);
  const addTag = (event: FormEvent) => {
    event.preventDefault();
    const tag = other.trim();
    if (!tag) return;
    const tags = new Set((values.other ?? "").split(",").filter(Boolean));
    tags.add(tag);
    onChange({ other: [...tags].join(",") });
    setOther("");
  };
  return (
    <details className="listing-filters" open={typeof window === "undefined" || window.innerWidth > 760}>
      <summary>Filters</summary>
      <div className="filter-fields">
        {type === "model" && (
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-task`}>
              Task
            </label>
            <select id={`${ids}-task`} className="select" value={values.pipeline_tag} onChange={(e) => onChange({ pipeline_tag: e.target.value || undefined })}>
              <option value="">Any task</option>
              {withCurrent(tasks, values.pipeline_tag).map((t) => (
                <option key={t} value={t}>
                  {taskLabel(t)}
                </option>
              ))}
            </select>
          </div>
        )}
        {type === "model" && (
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-library`}>
              Library
            </label>
            <select id={`${ids}-library`} className="select" value={values.library} onChange={(e) => onChange({ library: e.target.value || undefined })}>
              <option value="">Any library</option>
              {withCurrent(libraries, values.library).map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </div>
        )}
        {type === "model" && (
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-format`}>
              Format
            </label>
            <select id={`${ids}-format`} className="select" value={values.format} onChange={(e) => onChange({ format: e.target.value || undefined })}>
              <option value="">Any format</option>
              {withCurrent(formats.map((f) => f.value), values.format).map((f) => (
                <option key={f} value={f}>
                  {formatLabel(f)}
                </option>
              ))}
            </select>
          </div>
        )}
        {type === "model" && (
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-parameters`}>
              Parameters
            </label>
            <select id={`${ids}-parameters`} className="select" value={values.num_parameters} onChange={(e) => onChange({ num_parameters: e.target.value || undefined })}>
              <option value="">Any size</option>
              {withCurrent(parameterRanges.map((r) => r.value), values.num_parameters).map((r) => (
                <option key={r} value={r}>
                  {parameterRangeLabel(r)}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-language`}>
            Language
          </label>
          <input
            id={`${ids}-language`}
            className="input"
            placeholder="e.g. en, fr"
            value={language}
            onChange={(e) => setLanguage(e.target.value)}
            onBlur={() => language.trim() !== (values.language ?? "") && onChange({ language: language.trim() || undefined })}
            onKeyDown={(e) => e.key === "Enter" && onChange({ language: language.trim() || undefined })}
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-license`}>
            License
          </label>
          <select id={`${ids}-license`} className="select" value={values.license} onChange={(e) => onChange({ license: e.target.value || undefined })}>
            <option value="">Any license</option>
            {withCurrent(licenses, values.license).map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <form
          className="field"
          onSubmit={(e) => {
            e.preventDefault();
            onChange({ author: author.trim() || undefined });
          }}
        >
          <label className="field-label" htmlFor={`${ids}-author`}>
            Author
          </label>
          <input id={`${ids}-author`} className="input" placeholder="user or organization" value={author} onChange={(e) => setAuthor(e.target.value)} onBlur={() => author.trim() !== (values.author ?? "") && onChange({ author: author.trim() || undefined })} autoComplete="off" />
        </form>
        <form className="field" onSubmit={addTag}>
          <label className="field-label" htmlFor={`${ids}-tag`}>
            Tag
          </label>
          <div className="inline-field">
            <input id={`${ids}-tag`} className="input" placeholder="e.g. chat, base_model:…" value={other} onChange={(e) => setOther(e.target.value)} autoComplete="off" />
            <button type="submit" className="btn">
              Add
            </button>
          </div>
        </form>
      </div>
    </details>
  );
}

/** The filters in force, as chips that remove themselves. */
function ActiveFilters({ values, onChange }: { values: Record<string, string>; onChange: (c: Record<string, string | undefined>) => void }) {
  const chips: Array<{ label: string; remove: Record<string, string | undefined> }> = [];
  if (values.search) chips.push({ label: `“${values.search}”`, remove: { search: undefined } });
  if (values.pipeline_tag) chips.push({ label: taskLabel(values.pipeline_tag), remove: { pipeline_tag: undefined } });
  if (values.library) chips.push({ label: `library: ${values.library}`, remove: { library: undefined } });
  if (values.format) chips.push({ label: `format: ${formatLabel(values.format)}`, remove: { format: undefined } });
  if (values.num_parameters) chips.push({ label: `parameters: ${parameterRangeLabel(values.num_parameters)}`, remove: { num_parameters: undefined } });
  if (values.language) chips.push({ label: `language: ${values.language}`, remove: { language: undefined } });
  if (values.license) chips.push({ label: `license: ${values.license}`, remove: { license: undefined } });
  if (values.author) chips.push({ label: `author: ${values.author}`, remove: { author: undefined } });
  const tags = (values.other ?? "").split(",").filter(Boolean);
  for (const tag of tags) chips.push({ label: tag, remove: { other: tags.filter((t) => t !== tag).join(",") || undefined } });
  if (chips.length === 0) return null;
  return (
    <ul className="chips" aria-label="Active filters">
      {chips.map((chip) => (
        <li key={chip.label}>
          <button type="button" className="chip" onClick={() => onChange(chip.remove)} aria-label={`Remove filter ${chip.label}`}>
            {chip.label} <span aria-hidden="true">×</span>
          </button>
        </li>
      ))}
      {chips.length > 1 && (
        <li>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => onChange(Object.fromEntries(filterKeys.filter((k) => k !== "sort").map((k) => [k, undefined])))}>
            Clear all
          </button>
        </li>
      )}
    </ul>
  );
}

/** The listing API's query for the page's URL query (Hub parameter names). */
export function apiQuery(_type: RepoType, params: URLSearchParams): string {
  const out = new URLSearchParams();
  const copy = ["search", "author", "pipeline_tag", "library", "language", "num_parameters", "cursor"];
  for (const key of copy) {
    const value = params.get(key);
    if (value) out.set(key, value);
  }
  const license = params.get("license");
  if (license) out.append("filter", `license:${license}`);
  // A weight format is a tag of the repo (`gguf`, `safetensors`, `onnx`).
  const format = params.get("format");
  if (format) out.append("filter", format);
  for (const tag of (params.get("other") ?? "").split(",").filter(Boolean)) out.append("filter", tag);
  const sort = sorts.find((s) => s.value === (params.get("sort") || "trending")) ?? sorts[0];
  out.set("sort", sort.api);
  out.set("direction", "-1");
  out.set("limit", String(pageSize));
  return out.toString();
}

/** The `cursor` of a `Link: <…>; rel="next"` header. */
export function nextCursor(link: string | null): string | undefined {
  const match = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  if (!match) return undefined;
  try {
    return new URL(match[1]!, window.location.origin).searchParams.get("cursor") ?? undefined;
  } catch {
    return undefined;
  }
}

function pageUrl(type: RepoType, query: string, cursor: string | undefined): string {
  const params = new URLSearchParams(query);
  if (cursor) params.set("cursor", cursor);
  else params.delete("cursor");
  const qs = params.toString();
  return `/${plural[type]}${qs ? `?${qs}` : ""}`;
}

/** Cursor -> the cursor of the page before it, per query, kept for the tab (reloads included). */
function rememberPrevious(query: string, next: string, current: string | undefined): void {
  try {
    sessionStorage.setItem(`modelport:prev:${withoutCursor(query)}:${next}`, current ?? "");
  } catch {
    // Storage unavailable: "Previous" goes to the first page.
  }
}

function previousCursor(query: string): string | undefined {
  const params = new URLSearchParams(query);
  const cursor = params.get("cursor");
  try {
    return sessionStorage.getItem(`modelport:prev:${withoutCursor(query)}:${cursor}`) || undefined;
  } catch {
    return undefined;
  }
}

function withoutCursor(query: string): string {
  const params = new URLSearchParams(query);
  params.delete("cursor");
  return params.toString();
}

/** `gguf` -> "GGUF"; an unknown format as it is. */
function formatLabel(value: string): string {
  return formats.find((f) => f.value === value)?.label ?? value;
}

function hasFilters(values: Record<string, string>): boolean {
  return filterKeys.some((k) => k !== "sort" && values[k]);
}

function withCurrent(list: readonly string[], current: string | undefined): string[] {
  return current && !list.includes(current) ? [current, ...list] : [...list];
}
