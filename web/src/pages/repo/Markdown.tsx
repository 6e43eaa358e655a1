/**
 * Markdown as the Hub renders model cards: GitHub-flavoured (tables, task
 * lists, strikethrough, autolinks) with highlighted code blocks. Raw HTML in a
 * card is never rendered (react-markdown drops it without rehype-raw), and
 * link targets go through react-markdown's URL filter (no `javascript:`), so a
 * card cannot run scripts. Relative links and images point into the repo.
 */
import type { ComponentProps } from "react";
import ReactMarkdown, { defaultUrlTransform, type Options } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import rehypeRaw from "rehype-raw";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import { highlightLanguages } from "../../lib/highlight-languages";
import { encodePath } from "../../router";
import "./highlight.css";

/** Code blocks are highlighted only when their fence names a language we register (no guessing). */
const highlight: NonNullable<Options["rehypePlugins"]>[number] = [rehypeHighlight, { detect: false, languages: highlightLanguages }];

export interface MarkdownBase {
  /** `/ns/name` or `/datasets/ns/name` */
  repoPath: string;
  rev: string;
  /** Folder of the markdown file ("" = repo root), for relative links. */
  dir: string;
}

/** Headings move one level down: the page's own `<h1>` is the repo id. */
const shifted: ComponentProps<typeof ReactMarkdown>["components"] = {
  h1: ({ node: _node, ...props }) => <h2 {...props} />,
  h2: ({ node: _node, ...props }) => <h3 {...props} />,
  h3: ({ node: _node, ...props }) => <h4 {...props} />,
  h4: ({ node: _node, ...props }) => <h5 {...props} />,
  h5: ({ node: _node, ...props }) => <h6 {...props} />,
  table: ({ node: _node, ...props }) => (
    <div className="table-scroll">
      <table {...props} />
    </div>
  ),
};

export function Markdown({ text, base }: { text: string; base?: MarkdownBase }) {
  const transform = (url: string, key: string) => {
    const safe = defaultUrlTransform(url);
    if (!base || !safe || /^[a-z][a-z0-9+.-]*:/i.test(safe) || safe.startsWith("#") || safe.startsWith("/") || safe.startsWith("//")) return safe;
    const target = joinPath(base.dir, safe);
    const view = key === "src" ? "resolve" : "blob";
    return `${base.repoPath}/${view}/${encodeURIComponent(base.rev)}/${encodePath(target)}`;
  };
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={[remarkGfm]} rehypePlugins={[rehypeRaw, rehypeSanitize, highlight]} urlTransform={transform} components={shifted}>
        {text}
      </ReactMarkdown>
    </div>
  );
}

/** A highlighted code block of `text` in `language` (json, python, …), through the same renderer. */
export function CodeBlock({ text, language }: { text: string; language?: string }) {
  // A fence longer than any backtick run in the text, so the text cannot close it.
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return (
    <div className="markdown code-view">
      <ReactMarkdown rehypePlugins={[highlight]}>{`${fence}${language ?? ""}\n${text}\n${fence}`}</ReactMarkdown>
    </div>
  );
}

/** Removes YAML front matter (`---` … `---`) from the top of a card. */
export function stripFrontMatter(text: string): string {
  const match = /^\uFEFF?---\r?\n[\s\S]*?\r?\n(---|\.\.\.)[ \t]*(\r?\n|$)/.exec(text);
  return match ? text.slice(match[0].length) : text;
}

/** `a/b` + `../c/d.png` -> `a/c/d.png`, query and fragment dropped. */
function joinPath(dir: string, relative: string): string {
  const clean = relative.split(/[?#]/, 1)[0]!;
  const parts = dir ? dir.split("/") : [];
  for (const part of clean.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(decodeURIComponentSafe(part));
  }
  return parts.join("/");
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
