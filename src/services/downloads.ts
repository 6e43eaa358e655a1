import type { Db } from "../db/connect.js";
import { addDownloads, recountAll } from "../db/queries/repo-stats.js";
import { countsAsDownload } from "../lib/download-query-files.js";
import { LruCache } from "../lib/lru-cache.js";
import type { Repo } from "./repos.js";

/** A second request from the same client for the same repo within this time is the same download. */
const sameDownloadMs = 5 * 60_000;
/** Clients remembered for that dedup (oldest forgotten first). */
const maxRememberedClients = 100_000;
/** Counted downloads are written at most this often, in one transaction. */
const flushEveryMs = 1_000;
/** How often 30-day counts and trending scores are recomputed as days pass. */
const recountEveryMs = 60 * 60_000;

/**
 * Counts downloads the way the Hub does: requests for a repo's query files
 * (`lib/download-query-files.ts`), GET or HEAD, where one client fetching a
 * snapshot (a HEAD then a GET in Python, a `bytes=0-0` probe then a GET in
 * JS, several query files) counts once: the same client and repo within five
 * minutes is one download. Counts collect in memory and are written each
 * second, so the download route never waits on a database write; a process
 * that dies loses at most that second.
 */
export class DownloadCounter {
  private pending = new Map<number, number>();
  private readonly recent = new LruCache<string, number>(maxRememberedClients);
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly recountTimer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.recountTimer = setInterval(() => void this.recount().catch(() => {}), recountEveryMs);
    this.recountTimer.unref();
  }

  /** Records a file request the caller was allowed to make; `client` identifies the caller (user or address). */
  record(repo: Repo, path: string, client: string): void {
    if (this.closed) return;
    const { row } = repo;
    if (!countsAsDownload({ type: repo.type, libraryName: row.library_name, tags: () => JSON.parse(row.tags) as string[] }, path)) return;
    const key = `${row.id}\n${client}`;
    const t = this.now().getTime();
    const seen = this.recent.get(key);
    if (seen !== undefined && t - seen < sameDownloadMs) return;
    this.recent.set(key, t);
    this.pending.set(row.id, (this.pending.get(row.id) ?? 0) + 1);
    this.flushTimer ??= setTimeout(() => void this.flush().catch(() => {}), flushEveryMs);
  }

  /** Writes the downloads counted so far; resolves when they are in the database. */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const counts = this.pending;
    this.pending = new Map();
    // One flush at a time, in order, so counts never race each other.
    this.flushing = this.flushing.catch(() => {}).then(() => addDownloads(this.db, counts, this.now()));
    return this.flushing;
  }

  /** Recomputes 30-day counts and trending scores of every repo (they age as days pass). */
  async recount(): Promise<void> {
    await this.flush();
    await recountAll(this.db, this.now());
  }

  /** Writes what is pending and stops the timers; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.recountTimer);
    await this.flush();
  }
}
