// A worker process (src/worker-pool.ts): loads the worker module it is named, says it is ready, then
// answers each task with that module's default export. It ends with its parent: a pool whose
// process is gone leaves no parser behind.
export type WorkerReply =
  | { ready: true }
  | { id: number; result: unknown }
  | { id: number; error: { name: string; message: string; stack?: string | undefined; code?: unknown } };

interface WorkerTask {
  id: number;
  task: unknown;
}

const reply = (message: WorkerReply) => process.send?.(message);

const plainError = (err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, stack: e.stack, code: (e as { code?: unknown }).code };
};

const moduleUrl = process.argv[2];
if (moduleUrl && process.send) {
  process.once('disconnect', () => process.exit(0));
  const work = ((await import(moduleUrl)) as { default: (task: unknown) => unknown }).default;
  process.on('message', async ({ id, task }: WorkerTask) => {
    try {
      const result = await work(task);
      try {
        reply({ id, result });
      } catch (err) {
        reply({ id, error: plainError(err) }); // an answer that cannot be sent
      }
    } catch (err) {
      reply({ id, error: plainError(err) });
    }
  });
  reply({ ready: true });
}
