// A worker-pool process for tests: `eat` allocates until its heap runs out, `double` grows one string
// until a single allocation outgrows the heap (the shape that aborted a whole process when the work
// ran on threads), `buffers` fills typed arrays (memory outside the heap) without end, `die` ends its
// process by a signal, `spin` never returns, `compile-cache` answers the compile cache its process
// was started with; anything else is echoed.
export default function work(task: string | null): string | null {
  if (task === 'eat') {
    const kept: string[] = [];
    for (;;) kept.push(`${'x'.repeat(1000)}${kept.length}`);
  }
  if (task === 'double') {
    let text = 'ab';
    const kept: string[] = [];
    for (let i = 0; ; i++) {
      text = `${text}${text.slice(0, 1 << 20)}${i}`;
      kept.push(text.slice(1));
    }
  }
  if (task === 'buffers') {
    const kept: Uint8Array[] = [];
    for (;;) kept.push(new Uint8Array(1024 * 1024).fill(kept.length % 256));
  }
  if (task === 'die') process.kill(process.pid, 'SIGKILL');
  if (task === 'spin') for (;;);
  if (task === 'compile-cache') return process.env.NODE_COMPILE_CACHE ?? null;
  if (task === 'throw') throw Object.assign(new TypeError('bad task'), { code: 'E_BAD' });
  return task;
}
