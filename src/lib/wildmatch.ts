/**
 * git's glob matcher (`wildmatch.c`), used by `.gitattributes` and
 * `.gitignore`, ported byte for byte so a pattern means here what it means to
 * `git`: `?`, `*`, `[...]` classes with ranges, `!`/`^` negation and
 * `[:alpha:]`-style names, `\` escapes, and with `pathname` the `**` forms
 * (`**​/x`, `x/**`, `a/**​/b`) where a lone `*` stops at `/`.
 * Matching runs on UTF-8 bytes, as git's does.
 */

const match = 0;
const noMatch = 1;
const abortAll = -1;
const abortToStarStar = -2;
type Result = typeof match | typeof noMatch | typeof abortAll | typeof abortToStarStar;

const enc = new TextEncoder();
const SLASH = 0x2f;

/** True when `text` matches `pattern`; with `pathname`, `*` and `?` never match `/`. */
export function wildmatch(pattern: string, text: string, opts: { pathname?: boolean } = {}): boolean {
  return dowild(enc.encode(pattern), 0, enc.encode(text), 0, opts.pathname === true) === match;
}

/** Byte at `i`, or 0 past the end (the C code's terminating NUL). */
const at = (s: Uint8Array, i: number): number => (i < s.length ? s[i]! : 0);

function isGlobSpecial(c: number): boolean {
  return c === 0x2a /* * */ || c === 0x3f /* ? */ || c === 0x5b /* [ */ || c === 0x5c; /* \ */
}

function dowild(p: Uint8Array, pi: number, t: Uint8Array, ti: number, pathname: boolean): Result {
  for (; at(p, pi) !== 0; ti++, pi++) {
    let pCh = at(p, pi);
    let tCh = at(t, ti);
    if (tCh === 0 && pCh !== 0x2a) return abortAll;
    switch (pCh) {
      case 0x5c: // '\\': the next pattern byte is literal
        pCh = at(p, ++pi);
        if (tCh !== pCh) return noMatch;
        continue;
      case 0x3f: // '?'
        if (pathname && tCh === SLASH) return noMatch;
        continue;
      case 0x2a: { // '*'
        let matchSlash: boolean;
        if (at(p, ++pi) === 0x2a) {
          const prev = pi - 2;
          while (at(p, ++pi) === 0x2a) {}
          const next = at(p, pi);
          if ((prev < 0 || at(p, prev) === SLASH) && (next === 0 || next === SLASH || (next === 0x5c && at(p, pi + 1) === SLASH))) {
            // "**/" may match nothing: try the rest of the pattern right here first.
            if (next === SLASH && dowild(p, pi + 1, t, ti, pathname) === match) return match;
            matchSlash = true;
          } else {
            matchSlash = !pathname;
          }
        } else {
          matchSlash = !pathname;
        }
        if (at(p, pi) === 0) {
          // A trailing "**" matches everything; a trailing "*" only what has no more slashes.
          if (!matchSlash && t.indexOf(SLASH, ti) >= 0) return noMatch;
          return match;
        }
        if (!matchSlash && at(p, pi) === SLASH) {
          // One star followed by a slash matches exactly the next path component.
          const slash = t.indexOf(SLASH, ti);
          if (slash < 0) return noMatch;
          ti = slash; // the loop consumes the slash on both sides
          break;
        }
        for (;;) {
          if (tCh === 0) break;
          const lit = at(p, pi);
          if (!isGlobSpecial(lit)) {
            // Skip ahead to the next occurrence of the literal that follows the star.
            while ((tCh = at(t, ti)) !== 0 && (matchSlash || tCh !== SLASH)) {
              if (tCh === lit) break;
              ti++;
            }
            if (tCh !== lit) return matchSlash ? abortAll : abortToStarStar;
          }
          const matched = dowild(p, pi, t, ti, pathname);
          if (matched !== noMatch) {
            if (!matchSlash || matched !== abortToStarStar) return matched;
          } else if (!matchSlash && tCh === SLASH) {
            return abortToStarStar;
          }
          tCh = at(t, ++ti);
        }
        return abortAll;
      }
      case 0x5b: { // '['
        pCh = at(p, ++pi);
        if (pCh === 0x5e /* ^ */) pCh = 0x21; /* ! */
        const negated = pCh === 0x21;
        if (negated) pCh = at(p, ++pi);
        let prevCh = 0;
        let matched = false;
        do {
          if (pCh === 0) return abortAll;
          if (pCh === 0x5c) {
            pCh = at(p, ++pi);
            if (pCh === 0) return abortAll;
            if (tCh === pCh) matched = true;
          } else if (pCh === 0x2d /* - */ && prevCh !== 0 && at(p, pi + 1) !== 0 && at(p, pi + 1) !== 0x5d) {
            pCh = at(p, ++pi);
            if (pCh === 0x5c) {
              pCh = at(p, ++pi);
              if (pCh === 0) return abortAll;
            }
            if (tCh <= pCh && tCh >= prevCh) matched = true;
            pCh = 0; // so that prevCh becomes 0: no range may start at a range's end
          } else if (pCh === 0x5b && at(p, pi + 1) === 0x3a /* : */) {
            const s = (pi += 2);
            while ((pCh = at(p, pi)) !== 0 && pCh !== 0x5d) pi++;
            if (pCh === 0) return abortAll;
            const len = pi - s - 1;
            if (len < 0 || at(p, pi - 1) !== 0x3a) {
              // No ":]": a plain '[' inside the class.
              pi = s - 2;
              pCh = 0x5b;
              if (tCh === pCh) matched = true;
              continue;
            }
            const cls = classes[new TextDecoder().decode(p.subarray(s, s + len))];
            if (!cls) return abortAll; // malformed [:class:]
            if (cls(tCh)) matched = true;
            pCh = 0;
          } else if (tCh === pCh) {
            matched = true;
          }
        } while (((prevCh = pCh), (pCh = at(p, ++pi))) !== 0x5d);
        if (matched === negated || (pathname && tCh === SLASH)) return noMatch;
        continue;
      }
      default:
        if (tCh !== pCh) return noMatch;
        continue;
    }
  }
  return at(t, ti) !== 0 ? noMatch : match;
}

const inRange = (c: number, lo: number, hi: number) => c >= lo && c <= hi;
const isUpper = (c: number) => inRange(c, 0x41, 0x5a);
const isLower = (c: number) => inRange(c, 0x61, 0x7a);
const isDigit = (c: number) => inRange(c, 0x30, 0x39);
const isAlpha = (c: number) => isUpper(c) || isLower(c);

/** POSIX classes as git defines them (ASCII only; bytes ≥ 0x80 match none). */
const classes: Record<string, (c: number) => boolean> = {
  alnum: (c) => isAlpha(c) || isDigit(c),
  alpha: isAlpha,
  blank: (c) => c === 0x20 || c === 0x09,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: isDigit,
  graph: (c) => inRange(c, 0x21, 0x7e),
  lower: isLower,
  print: (c) => inRange(c, 0x20, 0x7e),
  punct: (c) => inRange(c, 0x21, 0x7e) && !isAlpha(c) && !isDigit(c),
  space: (c) => c === 0x20 || inRange(c, 0x09, 0x0d),
  upper: isUpper,
  xdigit: (c) => isDigit(c) || inRange(c, 0x41, 0x46) || inRange(c, 0x61, 0x66),
};
