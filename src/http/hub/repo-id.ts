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
