// A worker-pool thread for tests: `eat` allocates until its heap runs out; anything else is echoed.
export default function work(task: string | null): string | null {
  if (task !== 'eat') return task;
  const kept: string[] = [];
  for (;;) kept.push(`${'x'.repeat(1000)}${kept.length}`);
}
