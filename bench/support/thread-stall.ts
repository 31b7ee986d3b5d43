// The wall time, CPU and the longest stall of this thread's event loop while some work runs: what
// every other request and live stream of a server doing that work would wait. CPU is this process's
// and its worker processes' (the pools read pages and documents in children).
import { performance } from 'node:perf_hooks';
import { treeUsage } from './process-tree.ts';

export interface Round {
  wallMs: number;
  stallMs: number;
  cpuMs: number;
}

export async function measured(read: () => Promise<unknown>): Promise<Round> {
  // A 1 ms ticker: the longest gap between its ticks is the longest time this thread could not
  // answer anything else.
  let last = performance.now();
  let stallMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 1);
  const cpuBefore = treeUsage(process.pid).cpuMs;
  const t = performance.now();
  await read();
  const wallMs = performance.now() - t;
  const cpuMs = treeUsage(process.pid).cpuMs - cpuBefore;
  // The tick after the work, so a stall that ends with it is counted.
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(ticker);
  return { wallMs, stallMs, cpuMs };
}

/**
 * Each way's work measured `rounds` times, the order of the ways reversed every other round so
 * that a drift of the machine's load falls on all of them alike.
 */
export async function alternatingRounds<Way extends string>(
  rounds: number,
  ways: Record<Way, () => Promise<unknown>>,
): Promise<Record<Way, Round[]>> {
  const names = Object.keys(ways) as Way[];
  const results = Object.fromEntries(names.map((name) => [name, [] as Round[]])) as Record<Way, Round[]>;
  for (let r = 0; r < rounds; r++)
    for (const way of r % 2 === 0 ? names : [...names].reverse())
      results[way].push(await measured(ways[way]));
  return results;
}
