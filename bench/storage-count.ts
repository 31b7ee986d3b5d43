// What counting a workspace's storage costs the writes it counts (migration 0016's triggers on
// articles: a new article, a changed Markdown) and the check before a write (one row read), on both
// databases: p50 of 1,000 statements each, with the triggers and with them disabled, two rounds.
//   npm run bench -- storage-count   (BENCH_DATABASES=pglite,postgres)
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { assertStorageRoom } from '../src/storage/workspace-storage.ts';
import { backendNamed, insertWorkspace, openMigratedBenchDatabase } from './support/bench-database.ts';

const databases = (process.env.BENCH_DATABASES ?? 'pglite,postgres').split(',');
const p50 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

async function timed(fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return Number(p50(samples).toFixed(3));
}

const results: Record<string, unknown> = {};
for (const name of databases) {
  const { database, drop } = await openMigratedBenchDatabase(backendNamed(name));
  try {
    const workspaceId = await insertWorkspace(database, 'bench');
    const insert = () =>
      database.query(
        `INSERT INTO articles (workspace_id, brief, topic) VALUES ($1, '{}', 'bench') RETURNING id`,
        [workspaceId],
      );
    const id = (await insert()).rows[0]!.id as string;
    // A new size each time, as a run's or an edit's text has: the update trigger fires only then.
    let size = 5000;
    const update = () =>
      database.query(`UPDATE articles SET markdown = repeat('x', $2::int) WHERE id = $1`, [id, ++size]);
    const triggers = (on: boolean) =>
      database.exec(
        ['articles_storage', 'articles_storage_update']
          .map((t) => `ALTER TABLE articles ${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${t};`)
          .join(' '),
      );
    const rounds = [];
    for (let round = 0; round < 2; round++) {
      const counted = { insert: await timed(insert), update: await timed(update) };
      await triggers(false);
      const uncounted = { insert: await timed(insert), update: await timed(update) };
      await triggers(true);
      rounds.push({ counted, uncounted });
    }
    const check = await timed(() =>
      assertStorageRoom(database, { WORKSPACE_STORAGE_MB: 2048 }, workspaceId, 0),
    );
    results[name] = { articleStatementsMsP50: rounds, storageCheckMsP50: check };
  } finally {
    await drop();
  }
}
console.log(
  JSON.stringify({ node: process.version, load: loadavg().map((l) => l.toFixed(2)), results }, null, 2),
);
process.exit(0);
