import { readFile } from "node:fs/promises";

/** Linux reports CPU time in /proc in USER_HZ ticks, 100 per second on every mainstream architecture. */
const ticksPerSecond = 100;

/**
 * Runs `work` and returns the CPU seconds (user + system, all threads) the
 * process `pid` spent meanwhile. On a busy or shared machine wall-clock
 * throughput swings from run to run, while the CPU a server spends per byte
 * stays put, so it tells where the time goes.
 */
export async function withCpu<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpuSeconds: number }> {
  const before = await cpuSeconds(pid);
  const result = await work();
  return { result, cpuSeconds: (await cpuSeconds(pid)) - before };
}

async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name, which may itself hold spaces; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
