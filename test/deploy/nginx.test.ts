// deploy/nginx checked by the real nginx: `nginx -t` with a self-signed certificate, its limits
// compared with the app's defaults, and a running nginx proxying to a running Blogsmith (HTTP →
// HTTPS, ACME path, HSTS, gzip, forwarded headers, /metrics hidden, an article's SSE stream).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { articleModelResponder } from '../fakes/article-model.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import { createTestDatabase } from '../support/database.ts';
import { freePort, type ServerProcess, startServerProcess } from '../support/processes.ts';
import {
  httpsRequest,
  nginxSource,
  nginxTest,
  prepareNginx,
  type RunningNginx,
  startNginx,
} from './nginx-harness.ts';

const dirs: string[] = [];
const stops: Array<() => Promise<void>> = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'blogsmith-nginx-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const site = path.join(nginxSource, 'conf.d/blogsmith.conf');
const zones = readFileSync(path.join(nginxSource, 'conf.d/rate-limits.conf'), 'utf8');

describe('deploy/nginx', { timeout: 300_000 }, () => {
  it('passes nginx -t with a self-signed certificate', async () => {
    const dir = tempDir();
    const prepared = prepareNginx(dir, {
      http: await freePort(),
      https: await freePort(),
      api: await freePort(),
    });
    const r = nginxTest(prepared);
    expect(r.output).toMatch(/syntax is ok/);
    expect(r.output).toMatch(/test is successful/);
    expect(r.code).toBe(0);

    // The test is real: a broken directive fails it.
    writeFileSync(
      path.join(prepared.prefix, 'conf.d/broken.conf'),
      'limit_req_zone $binary_remote_addr zone=x rate=oops;\n',
    );
    expect(nginxTest(prepared).code).not.toBe(0);
  });

  it("follows the API replicas' addresses as Docker's DNS changes them, on an nginx that can", () => {
    // Resolved once at start, `api` kept the addresses of replicas an upgrade recreated (502s) and
    // never saw ones added by --scale. `resolve` needs a shared-memory zone, a resolver and nginx
    // 1.27.3+ (the nginx here is older: the harness drops the parameter, so it is read, not run).
    const upstream = readFileSync(path.join(nginxSource, 'conf.d/upstream.conf'), 'utf8');
    expect(upstream).toMatch(/^resolver 127\.0\.0\.11 valid=\d+s/m);
    expect(upstream).toMatch(
      /upstream blogsmith_api \{[^}]*\bzone blogsmith_api \d+k;[^}]*server api:3000 resolve /,
    );
    const compose = readFileSync(path.join(nginxSource, '../compose.yaml'), 'utf8');
    const [, major, minor] = /image: nginx:(\d+)\.(\d+)-alpine/.exec(compose) ?? [];
    expect(Number(major) * 100 + Number(minor)).toBeGreaterThanOrEqual(128);
  });

  it('limits match the app: rate-limit classes, upload size, generation routes', () => {
    const defaults = loadConfig({});
    const perMinute = (rate: string) => {
      const [, n, unit] = /^(\d+)r\/([sm])$/.exec(rate) ?? [];
      return Number(n) * (unit === 's' ? 60 : 1);
    };
    const zoneRate = (zone: string) => new RegExp(`zone=${zone}:\\S+ rate=(\\S+);`).exec(zones)?.[1] ?? '';
    expect(perMinute(zoneRate('blogsmith_general'))).toBe(defaults.RATE_LIMIT_GENERAL);
    expect(perMinute(zoneRate('blogsmith_generation'))).toBe(defaults.RATE_LIMIT_GENERATION);
    const conf = readFileSync(site, 'utf8');
    // Bursts of one minute's budget: nginx never stops a client the app would let through.
    expect(conf).toContain(`zone=blogsmith_general burst=${defaults.RATE_LIMIT_GENERAL} nodelay`);
    expect(conf).toContain(`zone=blogsmith_generation burst=${defaults.RATE_LIMIT_GENERATION} nodelay`);
    const bodyMb = Number(/client_max_body_size (\d+)m;/.exec(conf)?.[1]);
    expect(bodyMb).toBeGreaterThan(defaults.MAX_FILE_SIZE_MB);
    expect(bodyMb).toBeLessThanOrEqual(defaults.MAX_FILE_SIZE_MB + 2);
    expect(bodyMb).toBeGreaterThanOrEqual(defaults.MAX_BODY_MB);
    // Every route the app puts in the generation class is in nginx's generation map.
    // Route files are registered under a prefix (src/server/app.ts); their paths are relative to it.
    const prefixes = {
      'articles.ts': '/api/v1/articles',
      'article-regeneration.ts': '/api/v1/articles',
      'llm-check.ts': '/api/v1/llm',
    };
    const routes = Object.entries(prefixes).flatMap(([f, prefix]) => {
      const source = readFileSync(path.resolve(import.meta.dirname, '../../src/server/routes', f), 'utf8');
      return source
        .split(/app\.(?=get|post|put|patch|delete)/)
        .filter((chunk) => chunk.startsWith('post') && chunk.includes("rateLimitClass: 'generation'"))
        .map((chunk) => `${prefix}${/'([^']*)'/.exec(chunk)?.[1] as string}`);
    });
    expect(routes.length).toBeGreaterThanOrEqual(3);
    const patterns = [...zones.matchAll(/"~\^POST (\S+)\$"/g)].map((m) => new RegExp(`^${m[1]}$`));
    // Each path parameter with the values it takes: a section is a part's name or a body index.
    const values: Record<string, string[]> = {
      id: ['0b7e2a0e-1111-4222-8333-944444444444'],
      section: ['intro', 'conclusion', 'faq', '2'],
    };
    for (const route of routes) {
      const concrete = Object.entries(values).reduce(
        (paths, [name, vs]) =>
          paths.flatMap((p) => (p.includes(`:${name}`) ? vs.map((v) => p.replace(`:${name}`, v)) : [p])),
        [route],
      );
      for (const c of concrete)
        expect(
          patterns.some((p) => p.test(c)),
          c,
        ).toBe(true);
    }
  });

  it('proxies a running Blogsmith over HTTPS, with SSE streamed through', async () => {
    const llm = await startOpenAiServer();
    llm.responder = articleModelResponder();
    stops.push(() => llm.close());
    // PostgreSQL: the embedded database's start-up is slow on a loaded machine and not what is tested here.
    const database = await createTestDatabase('postgres');
    stops.push(() => database.drop());
    const server: ServerProcess = await startServerProcess({
      DATA_DIR: tempDir(),
      DATABASE_URL: database.url as string,
      TRUST_PROXY: 'true',
      BLOGSMITH_ADMIN_EMAIL: 'ops@example.com',
      BLOGSMITH_ADMIN_PASSWORD: 'ops-password',
      OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'compatible:fake-writer',
      LLM_PRICES_JSON: JSON.stringify({ 'compatible:fake-writer': { input: 0.15, output: 0.6 } }),
    });
    stops.push(() => server.stop());
    const dir = tempDir();
    const prepared = prepareNginx(dir, { http: await freePort(), https: await freePort(), api: server.port });
    const nginx: RunningNginx = await startNginx(prepared);
    stops.push(() => nginx.stop());

    // Plain HTTP redirects to HTTPS; the ACME challenge is served from the webroot.
    const plain = await fetch(`http://127.0.0.1:${prepared.httpPort}/health`, { redirect: 'manual' });
    expect(plain.status).toBe(301);
    expect(plain.headers.get('location')).toMatch(/^https:\/\/127\.0\.0\.1(:\d+)?\/health$/);
    writeFileSync(path.join(prepared.acmeDir, '.well-known/acme-challenge/token-123'), 'proof-123', {
      mode: 0o644,
    });
    const acme = await fetch(`http://127.0.0.1:${prepared.httpPort}/.well-known/acme-challenge/token-123`);
    expect(acme.status).toBe(200);
    expect(await acme.text()).toBe('proof-123');

    const health = await httpsRequest(prepared, '/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString()).status).toBe('ok');
    expect(health.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    // nginx's request id reaches the app and comes back.
    expect(health.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);

    expect((await httpsRequest(prepared, '/metrics')).status).toBe(404);

    const docs = await httpsRequest(prepared, '/docs/json', { headers: { 'accept-encoding': 'gzip' } });
    expect(docs.status).toBe(200);
    expect(docs.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(docs.body).toString()).openapi).toMatch(/^3\./);

    const login = await httpsRequest(prepared, '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops@example.com', password: 'ops-password' }),
    });
    expect(login.status, login.body.toString()).toBe(200);
    const setCookie = login.headers['set-cookie'] ?? [];
    const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie])
      .map((c) => c.split(';')[0])
      .join('; ');

    const created = await httpsRequest(prepared, '/api/v1/articles', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ topic: 'heat pumps for family homes', words: 600 }),
    });
    expect(created.status, created.body.toString()).toBe(202);
    const article = JSON.parse(created.body.toString()) as { id: string };

    // Events arrive while the run goes on (not in one piece at the end) and the stream ends at done.
    const arrivals: number[] = [];
    let text = '';
    const sse = await httpsRequest(prepared, `/api/v1/articles/${article.id}/events`, {
      headers: { accept: 'text/event-stream', cookie },
      onData: (chunk) => {
        arrivals.push(Date.now());
        text += chunk;
        return false;
      },
    });
    expect(sse.status).toBe(200);
    expect(sse.headers['content-type']).toMatch(/text\/event-stream/);
    expect(sse.headers['content-encoding']).toBeUndefined();
    expect(text).toMatch(/^retry: 2000/);
    expect(text).toMatch(/event: step\.started/);
    expect(text).toMatch(/event: done/);
    expect(arrivals.length).toBeGreaterThan(3);
  });
});
