// A process and its descendants as /proc shows them: CPU time so far and resident memory now.
// Benchmarks of CLI commands read the whole tree, since a command may run its work in a child.
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

/** User + system CPU of `pid` and its live descendants, and the sum of their resident sets. */
export function treeUsage(pid: number): { cpuMs: number; rssKb: number } {
  const children = childrenByParent();
  let ticks = 0;
  let rssKb = 0;
  const visit = (p: number) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
      // An exited process that is not yet reaped has no memory lines.
      rssKb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return;
    }
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return { cpuMs: (ticks * 1000) / clockTicks, rssKb };
}
