/**
 * A least-recently-used cache bounded by a total weight (bytes, entries…).
 * Meant for immutable values keyed by content ids (git object ids), so there
 * is nothing to invalidate: entries only age out. A value that can go stale
 * carries what the caller checks it against (say a database change mark).
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; weight: number }>();
  private total = 0;
  /** The most recently used key: a hit on it needs no reordering (and no Map delete and re-insert). */
  private newest: K | undefined;

  constructor(
    private readonly maxWeight: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {}

  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (key !== this.newest) {
      this.map.delete(key); // re-insert: Map order is the LRU order
      this.map.set(key, hit);
      this.newest = key;
    }
    return hit.value;
  }

  set(key: K, value: V): void {
    const weight = this.weigh(value);
    if (weight > this.maxWeight) return;
    const old = this.map.get(key);
    if (old) {
      this.total -= old.weight;
      this.map.delete(key);
    }
    this.map.set(key, { value, weight });
    this.newest = key;
    this.total += weight;
    for (const [k, v] of this.map) {
      if (this.total <= this.maxWeight) break;
      this.map.delete(k);
      this.total -= v.weight;
    }
  }
}
