// A backlog of uploaded documents worked off by the job queue: N three-page PDFs uploaded through the
// HTTP edge while no worker runs (as after a restart, or while the worker was busy), then the worker
// starts; reports the time until every document is ready, per document, on the embedded database.
// Before session 33 each short job waited out pg-boss's polling interval (1 s) before the next.
//   npm run bench -- document-backlog [documents, default 40]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileForm, threePagePdf } from '../test/knowledge/samples-ingest.ts';
import { session, setupOwner } from '../test/support/accounts.ts';
import { createTestApp } from '../test/support/app.ts';

const documents = Number(process.argv[2] ?? 40);
const t = await createTestApp('pglite', { RATE_LIMIT_ENABLED: 'false' });
try {
  await t.runtime.queue.start({ work: false });
  const { cookie } = await setupOwner(t.app);
  for (let i = 0; i < documents; i++) {
    const form = fileForm(threePagePdf(`document ${i}`), `d${i}.pdf`);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: { ...session(cookie), ...form.headers },
      payload: form.payload,
    });
    if (res.statusCode !== 202) throw new Error(`upload ${i}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
  const started = performance.now();
  await t.runtime.queue.start({ work: true });
  for (;;) {
    const { rows } = await t.runtime.database.query<{ n: number | string }>(
      `SELECT count(*) AS n FROM documents WHERE status IN ('ready', 'failed')`,
    );
    if (Number(rows[0]?.n) >= documents) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const drainMs = performance.now() - started;
  console.log(
    JSON.stringify(
      {
        documents,
        drainMs: Math.round(drainMs),
        msPerDocument: Math.round(drainMs / documents),
        load: loadavg()[0]!.toFixed(2),
      },
      null,
      2,
    ),
  );
} finally {
  await t.close();
}
