import { useId } from "react";
import { encodeRev } from "../../api";
import { encodePath, navigate } from "../../router";
import { useApi } from "../../use-api";
import { shortSha } from "./format";
import { apiBase, type RepoContext } from "./RepoPage";
import type { Refs } from "./types";

/**
 * Branch and tag switcher (`GET /api/{t}/<repo>/refs`): choosing one puts it
 * in the URL, on the same view and path.
 */
export function RefSwitcher({ ctx, rev, view, path = "" }: { ctx: RepoContext; rev: string; view: "tree" | "blob" | "commits"; path?: string }) {
  const refs = useApi<Refs>(`${apiBase(ctx)}/refs`);
  const id = useId();
  const branches = refs.data?.branches.map((b) => b.name).sort(byMainFirst) ?? [];
  const tags = refs.data?.tags.map((t) => t.name).sort() ?? [];
  const known = branches.includes(rev) || tags.includes(rev);
  const go = (next: string) => {
    const suffix = view === "commits" ? "" : path ? `/${encodePath(path)}` : "";
    navigate(`${ctx.base}/${view}/${encodeRev(next)}${suffix}`);
  };
  return (
    <div className="ref-switcher">
      <label htmlFor={id} className="visually-hidden">
        Branch or tag
      </label>
      <select id={id} className="select" value={rev} onChange={(e) => go(e.target.value)} disabled={!refs.data}>
        {!known && <option value={rev}>{/^[0-9a-f]{40}$/.test(rev) ? `commit ${shortSha(rev)}` : rev}</option>}
        {branches.length > 0 && (
          <optgroup label="Branches">
            {branches.map((b) => (
              <option key={`b-${b}`} value={b}>
                {b}
              </option>
            ))}
          </optgroup>
        )}
        {tags.length > 0 && (
          <optgroup label="Tags">
            {tags.map((t) => (
              <option key={`t-${t}`} value={t} disabled={branches.includes(t)}>
                {t}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </div>
  );
}

function byMainFirst(a: string, b: string): number {
  if (a === "main") return -1;
  if (b === "main") return 1;
  return a.localeCompare(b);
}
