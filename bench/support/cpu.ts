import { readFileSync } from "node:fs";
import { processTree } from "./rss";

/** Linux reports CPU time in clock ticks, 100 a second on every mainstream kernel build (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process and its children have used so far, in ms.
 * The difference over a load is what that load cost the server, whatever else ran
 * on the machine meanwhile: unlike throughput, it does not drop when another
 * process takes the cores for a while.
 */
export function cpuMs(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      // Fields after the command name (which may hold spaces, hence the last ")"): utime is the 12th, stime the 13th.
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Exited in between.
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
