// The long fuzz run: `npm run fuzz -- --minutes 30 --seed N` (defaults: 5 minutes, a fresh seed).
// Starts the real server in process (test/fuzz/fuzz-server.ts: fake writer model, worked queue), fuzzes
// every operation of its OpenAPI document (test/fuzz/openapi-fuzz.ts) and prints each failure as
// a curl line (set BLOGSMITH_KEY / BLOGSMITH_SESSION from the header of the output to replay it
// against the same server while it runs with --keep). Exits 1 when anything failed.
import { parseArgs } from 'node:util';
import { startFuzzServer } from '../test/fuzz/fuzz-server.ts';
import { fuzzApi } from '../test/fuzz/openapi-fuzz.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    seed: { type: 'string' },
    'slow-ms': { type: 'string', default: '5000' },
    keep: { type: 'boolean', default: false },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const minutes = Number(values.minutes);
if (!Number.isInteger(seed) || !(minutes > 0)) {
  console.error('usage: npm run fuzz -- [--minutes 30] [--seed N] [--slow-ms 5000] [--keep]');
  process.exit(2);
}

const server = await startFuzzServer();
const { baseUrl, credentials } = server;
console.log(`fuzzing ${baseUrl} for ${minutes} min, seed ${seed}`);
console.log(
  `export BLOGSMITH_KEY=${credentials.apiKey} BLOGSMITH_SESSION=${credentials.cookie.split('=')[1]}`,
);

const report = await fuzzApi({
  baseUrl,
  doc: server.doc,
  seed,
  budgetMs: minutes * 60_000,
  slowMs: Number(values['slow-ms']),
  credentials,
  protectedIds: server.protectedIds,
  knownIds: server.knownIds,
  onFailure: (f) => console.log(`\n# ${f.reason} (${f.ms} ms) → ${f.body.replaceAll('\n', ' ')}\n${f.curl}`),
});

console.log(
  `\nseed ${report.seed}: ${report.requests} requests, ${report.operationsHit}/${report.operations} operations, ` +
    `${report.serverErrors} server errors, ${report.failures.length} failures, ` +
    `${(report.durationMs / 1000).toFixed(0)} s, slowest ${report.slowest.ms} ms (${report.slowest.what})`,
);
console.log(`statuses: ${JSON.stringify(report.statuses)}`);
if (!values.keep) await server.close();
process.exitCode = report.failures.length > 0 ? 1 : 0;
if (!values.keep) process.exit();
