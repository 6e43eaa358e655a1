/** The `name`/`organization`/`type` trio that names a repo in create, delete and move bodies. */
export interface ApiRepoName {
  name: string;
  organization?: string | null;
  type?: string | null;
}

/** JSON-schema properties of that trio, shared by the routes that take it. */
export const repoNameProperties = {
  name: { type: "string", maxLength: 300 },
  organization: { type: ["string", "null"], maxLength: 200 },
  type: { type: ["string", "null"] },
} as const;

/**
 * Splits the `name`/`organization` pair of repo create/delete bodies. Older
 * clients send the whole id as `name` ("ns/name"); only the first `/`
 * separates, so "a/b/c" yields the invalid name "b/c" rather than losing "c".
 */
export function splitRepoName(name: string, organization: string | null | undefined): { namespace?: string; name: string } {
  if (organization) return { namespace: organization, name };
  const slash = name.indexOf("/");
  return slash < 0 ? { name } : { namespace: name.slice(0, slash), name: name.slice(slash + 1) };
}
