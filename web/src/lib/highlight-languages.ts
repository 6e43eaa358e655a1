/**
 * The highlight.js grammars the web app registers: what model cards and repo
 * files are mostly written in. lowlight's `common` set (37 grammars, ~200 kB
 * minified) made the Markdown chunk pass Vite's 500 kB warning; an unknown
 * fence language is left as plain text. Each grammar brings its aliases
 * (`py`, `sh`, `console`, `js`, `ts`, `yml`, `toml`, `c++`, `rs`, `golang`, …).
 *
 * web/vite.config.ts points rehype-highlight's own `lowlight` import at
 * ./lowlight-shim.ts, so its default set is this one too and the other
 * grammars never reach the bundle.
 */
import type { LanguageFn } from "highlight.js";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import go from "highlight.js/lib/languages/go";
import ini from "highlight.js/lib/languages/ini";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import plaintext from "highlight.js/lib/languages/plaintext";
import python from "highlight.js/lib/languages/python";
import rust from "highlight.js/lib/languages/rust";
import shell from "highlight.js/lib/languages/shell";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

/** Grammar name -> grammar, as rehype-highlight's `languages` option takes them. */
export const highlightLanguages: Record<string, LanguageFn> = {
  bash, c, cpp, css, diff, go, ini, java, javascript, json, markdown, plaintext, python, rust, shell, typescript, xml, yaml,
};
