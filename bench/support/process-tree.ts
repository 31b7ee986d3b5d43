// A process and its descendants as /proc shows them: CPU time so far and resident memory now.
// Benchmarks of CLI commands read the whole tree, since a command may run its work in a child.
// Summed resident sets count a page shared by several of them (the node binary's code, ~50 MB,
// mapped by each) once per process; the proportional set (PSS) splits it among its sharers, so the
// tree's PSS is what it holds of the machine's memory.
import { readdirSync, readFileSync } from 'node:fs';

const clockTicks = 100; // USER_HZ on Linux

function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while the table was read
    }
  }
  return children;
}

/**
 * User + system CPU of `pid` and its live descendants, and the sum of their resident sets — and,
 * with `pss` (a walk of each process's page tables: not for tight loops), of their proportional sets.
 */
export function treeUsage(
  pid: number,
  { pss = false } = {},
): { cpuMs: number; rssKb: number; pssKb: number } {
  const children = childrenByParent();
  let ticks = 0;
  let rssKb = 0;
  let pssKb = 0;
  const visit = (p: number) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // utime, stime, and cutime, cstime: what its children that have ended used (a worker process
      // ended mid-measure must not take its CPU with it).
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      // An exited process that is not yet reaped has no memory lines.
      rssKb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      if (pss)
        pssKb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      return;
    }
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return { cpuMs: (ticks * 1000) / clockTicks, rssKb, pssKb };
}
