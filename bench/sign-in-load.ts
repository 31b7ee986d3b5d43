// Sign-ins with a correct password from one address against everyone else's work: N loops sign in
// back to back for S seconds (pausing 10 ms after a refusal, as a client would), while this process
// also measures a DNS lookup (libuv's thread pool, which password hashes share) and an authenticated
// list request every 50 ms, and another address signs in once a second. Reports the latencies before
// and during, the answers, the CPU the process used and its peak RSS; PGlite, default rate limits.
//   npm run bench -- sign-in-load [loops, default 8] [seconds, default 10]
import { promises as dns } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { session, setupOwner } from '../test/support/accounts.ts';
import { createTestApp } from '../test/support/app.ts';

const loops = Number(process.argv[2] ?? 8);
const seconds = Number(process.argv[3] ?? 10);
const t = await createTestApp('pglite', {});
const { cookie } = await setupOwner(t.app, 'a@example.com', 'password-a');
const pct = (xs: number[], p: number) =>
  xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Number.NaN;
const signIn = (remoteAddress: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'a@example.com', password: 'password-a' },
    remoteAddress,
  });

async function sample(ms: number) {
  const dnsMs: number[] = [];
  const listMs: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    let t0 = performance.now();
    await dns.lookup('localhost');
    dnsMs.push(performance.now() - t0);
    t0 = performance.now();
    await t.app.inject({
      method: 'GET',
      url: '/api/v1/articles',
      headers: session(cookie),
      remoteAddress: '10.9.9.9',
    });
    listMs.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 50));
  }
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    dnsLookupMs: { p50: round(pct(dnsMs, 0.5)), max: round(Math.max(...dnsMs)) },
    listRequestMs: { p50: round(pct(listMs, 0.5)), p95: round(pct(listMs, 0.95)) },
  };
}

try {
  const before = await sample(2000);
  let stop = false;
  const answers: Record<string, number> = {};
  let peakRss = 0;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const attackers = Array.from({ length: loops }, async () => {
    while (!stop) {
      const r = await signIn('10.1.1.1');
      const label =
        r.statusCode === 429
          ? `429 ${/password checks/.test(r.body) ? 'hashing' : 'rate limit'}`
          : `${r.statusCode}`;
      answers[label] = (answers[label] ?? 0) + 1;
      if (r.statusCode !== 200) await new Promise((res) => setTimeout(res, 10));
    }
  });
  const otherAddressMs: number[] = [];
  const other = (async () => {
    while (!stop) {
      const t1 = performance.now();
      const r = await signIn('10.7.7.7');
      otherAddressMs.push(r.statusCode === 200 ? Math.round(performance.now() - t1) : -r.statusCode);
      await new Promise((res) => setTimeout(res, 1000));
    }
  })();
  const during = await sample(seconds * 1000);
  stop = true;
  await Promise.all([...attackers, other]);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  clearInterval(rssTimer);
  console.log(
    JSON.stringify(
      {
        loops,
        seconds,
        before,
        during,
        answers,
        otherAddressSignInMs: otherAddressMs,
        cpuCoresBusy: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100) / 100,
        peakRssMb: Math.round(peakRss / 2 ** 20),
      },
      null,
      2,
    ),
  );
} finally {
  await t.close();
}
