// Latencies of a call repeated one after another, for the benchmarks' percentiles.

/** The milliseconds of `times` calls of `call`, each awaited before the next, in ascending order. */
export async function sortedLatencies(times: number, call: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await call();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b);
}
