import type { FastifyRequest } from "fastify";
import { DomainError } from "../../lib/domain-error.js";
import { rawTailAfter } from "./revision-path.js";

/**
 * The revision at the end of a write route (`…/preupload/<rev>`,
 * `…/commit/<rev>`, `…/branch/<name>`, `…/tag/<rev>`), read from the raw URL:
 * clients send it percent-encoded (`refs%2Fpr%2F1`, `feature%2Fx`), some raw
 * (`refs/pr/1`); either way every segment is decoded and the slashes kept.
 */
export function revisionAfter(request: FastifyRequest, prefix: string): string {
  const tail = rawTailAfter(request.url, prefix);
  try {
    return tail.split("/").map(decodeURIComponent).join("/");
  } catch {
    throw new DomainError("InvalidArgument", `malformed percent-encoding in '${tail.slice(0, 100)}'`);
  }
}
