// A worker-pool thread for tests: `eat` allocates until its heap runs out, `buffers` fills typed
// arrays (memory outside the heap) without end; anything else is echoed.
export default function work(task: string | null): string | null {
  if (task === 'eat') {
    const kept: string[] = [];
    for (;;) kept.push(`${'x'.repeat(1000)}${kept.length}`);
  }
  if (task === 'buffers') {
    const kept: Uint8Array[] = [];
    for (;;) kept.push(new Uint8Array(1024 * 1024).fill(kept.length % 256));
  }
  return task;
}
