// The wall time, CPU and the longest stall of this thread's event loop while some work runs: what
// every other request and live stream of a server doing that work would wait.
import { performance } from 'node:perf_hooks';

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
  const cpu = process.cpuUsage();
  const t = performance.now();
  await read();
  const wallMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  // The tick after the work, so a stall that ends with it is counted.
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(ticker);
  return { wallMs, stallMs, cpuMs: (used.user + used.system) / 1000 };
}
