// A worker process (src/worker-pool.ts): loads the worker module it is named, says it is ready, then
// answers each task with that module's default export. It ends with its parent: a pool whose
// process is gone leaves no parser behind.
import { flushCompileCache } from 'node:module';

export type WorkerReply =
  | { ready: true }
  | { result: unknown }
  | { error: { name: string; message: string; stack?: string | undefined; code?: unknown } };

const reply = (message: WorkerReply) => process.send?.(message);

const plainError = (err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, stack: e.stack, code: (e as { code?: unknown }).code };
};

const moduleUrl = process.argv[2];
if (moduleUrl && process.send) {
  process.once('disconnect', () => process.exit(0));
  const work = ((await import(moduleUrl)) as { default: (task: unknown) => unknown }).default;
  // Node writes its compile cache at a normal exit, and the pool ends its processes with a signal: the
  // modules compiled so far are written now, so that the next process reads them (src/compile-cache.ts).
  flushCompileCache();
  // One task at a time: the pool sends the next only after this one's answer.
  process.on('message', async ({ task }: { task: unknown }) => {
    try {
      reply({ result: await work(task) });
    } catch (err) {
      reply({ error: plainError(err) }); // the work's error, or an answer that cannot be sent
    }
  });
  reply({ ready: true });
}
