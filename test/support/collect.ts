/** Collects an async generator (the `@huggingface/hub` listings) into an array. */
export async function all<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}
