import type { FastifyRequest } from "fastify";
import type { RepoType } from "../lib/repo-names.js";
import type { RepoRef } from "../services/repos.js";

/** Absolute base URL for links: the configured public URL, or what the client used to reach us. */
export function baseUrlOf(request: FastifyRequest, publicUrl: string): string {
  return publicUrl || `${request.protocol}://${request.host}`;
}

/** The repo named by `:namespace/:name` (a trailing `.git` is the clone URL form, not part of the name). */
export function repoRefOf(type: RepoType, params: unknown): RepoRef {
  const { namespace, name } = params as { namespace: string; name: string };
  return { type, namespace, name: name.endsWith(".git") ? name.slice(0, -4) : name };
}
