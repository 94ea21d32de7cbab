import { readFileSync } from "node:fs";

/** Resident memory of a process and its children (next start may fork a worker), in MiB. */
export function rssMiB(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
      total += kb / 1024;
    } catch {
      // Exited in between.
    }
  }
  return total;
}

/** A process and all its descendants, from /proc (Linux). */
export function processTree(pid: number): number[] {
  return [pid, ...descendants(pid)];
}

function descendants(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    return children.flatMap((child) => [child, ...descendants(child)]);
  } catch {
    return [];
  }
}
