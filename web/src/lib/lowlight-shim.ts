/**
 * What rehype-highlight sees as `lowlight` (web/vite.config.ts redirects its
 * import here): the real `createLowlight`, with `common` and `all` narrowed
 * to our grammars. rehype-highlight reads `common` even when given
 * `languages`, which would otherwise keep all 37 common grammars in the bundle.
 */
import { highlightLanguages } from "./highlight-languages";

export { createLowlight } from "lowlight";
export const common = highlightLanguages;
export const all = highlightLanguages;
