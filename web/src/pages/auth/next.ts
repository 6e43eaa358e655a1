/** A `?next=` target that stays on this site (a path, not `//other.host`); "/" otherwise. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}
