import { readFile, writeFile } from "node:fs/promises";

const sampleEveryMs = 20;

export interface RssReport {
  /** Resident set size just before the transfer, in bytes. */
  baseline: number;
  /** Highest resident set size seen during the transfer, in bytes. */
  peak: number;
}

/**
 * Watches a process's resident memory (`VmRSS`) while `work` runs. Polling
 * alone can miss a short spike between samples, so the kernel's own high-water
 * mark (`VmHWM`) is reset first and read at the end as well.
 */
export async function watchRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; rss: RssReport }> {
  const hwmReset = await resetHighWaterMark(pid);
  const baseline = await readStatusField(pid, "VmRSS");
  let peak = baseline;
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    // Chained so a slow read never overlaps the next one.
    sampling = sampling.then(async () => {
      peak = Math.max(peak, await readStatusField(pid, "VmRSS").catch(() => 0));
    });
  }, sampleEveryMs);
  try {
    const result = await work();
    return { result, rss: { baseline, peak: await finalPeak() } };
  } finally {
    clearInterval(timer);
  }

  async function finalPeak(): Promise<number> {
    await sampling;
    const last = await readStatusField(pid, "VmRSS");
    const hwm = hwmReset ? await readStatusField(pid, "VmHWM") : 0;
    return Math.max(peak, last, hwm);
  }
}

/** Writing 5 to `clear_refs` resets `VmHWM` to the current RSS (Linux ≥ 4.0, same user); false where it is refused. */
async function resetHighWaterMark(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** A `kB` field of `/proc/<pid>/status`, in bytes. */
async function readStatusField(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  if (!m?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}
