import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlockedUrlError,
  boundedLookups,
  checkAddress,
  createGuardedFetch,
  FetchLimitError,
  maxWaitingLookups,
  type Resolver,
  safeFetch,
} from '../../src/security/ssrf/index.ts';
import { html, type LocalServer, redirect, startServer } from './local-server.ts';

// Test DNS: names map to fixed answers; anything else does not resolve. No real DNS is used.
const zone: Record<string, string[]> = {
  'public.test': ['127.0.0.1'], // reaches the fake only through the explicit allowance below
  'internal.test': ['10.0.0.5'],
  'v6loop.test': ['::1'],
  'metadata.test': ['169.254.169.254'],
  'mixed.test': ['93.184.216.34', '192.168.1.10'],
  'cgnat.test': ['100.64.1.1'],
  'mapped.test': ['::ffff:10.0.0.1'],
};
const resolver: Resolver = async (name) => {
  const answers = zone[name];
  if (!answers) throw new Error(`ENOTFOUND ${name}`);
  return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};
// Only public.test may reach 127.0.0.1: an allowance the caller passes, as FETCH_ALLOW_HOSTS would.
const testAllowance = { resolver, allowHosts: ['public.test'] };

let server: LocalServer;
beforeAll(async () => {
  server = await startServer({
    '/ok': (_req, res) => html(res, '<p>hello</p>'),
    '/to-private': (_req, res) => redirect(res, 'http://10.0.0.5/admin'),
    '/to-metadata': (_req, res) => redirect(res, 'http://169.254.169.254/latest/meta-data/'),
    '/to-internal-name': (_req, res) => redirect(res, 'http://internal.test/'),
    '/to-loopback-decimal': (_req, res) => redirect(res, 'http://2130706433/'),
    '/to-file': (_req, res) => redirect(res, 'file:///etc/passwd'),
    '/hop': (req, res) => {
      const n = Number(req.url.searchParams.get('n') ?? '0');
      redirect(res, n > 0 ? `/hop?n=${n - 1}` : '/ok');
    },
    '/huge': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < 50) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    },
    '/slow': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('start');
      // Never ends on its own; the fetch must give up.
      setTimeout(() => res.end(), 20_000).unref();
    },
    '/json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
    '/forbidden': (_req, res) => html(res, '<h1>Forbidden</h1>', 403),
    // Compressed although the request asked for identity.
    '/gzip': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' })
        .end(gzipSync('<p>hello</p>')),
  });
});
afterAll(() => server.close());

const fake = (path: string) => `http://public.test:${server.port}${path}`;

describe('SSRF guard: hostile URLs', () => {
  const hostile: [string, string][] = [
    ['http://127.0.0.1/', 'blocked_address'],
    ['http://localhost/', 'unresolvable'], // not in the stub zone; real lookups would give loopback
    ['http://2130706433/', 'blocked_address'],
    ['http://0x7f.1/', 'blocked_address'],
    ['http://0177.0.0.1/', 'blocked_address'],
    ['http://127.1/', 'blocked_address'],
    ['http://0x7f000001/', 'blocked_address'],
    ['http://0/', 'blocked_address'],
    ['http://[::1]/', 'blocked_address'],
    ['http://[::]/', 'blocked_address'],
    ['http://[::ffff:127.0.0.1]/', 'blocked_address'],
    ['http://[::ffff:7f00:1]/', 'blocked_address'],
    ['http://[::127.0.0.1]/', 'blocked_address'],
    ['http://[64:ff9b::10.0.0.1]/', 'blocked_address'],
    ['http://[64:ff9b::a9fe:a9fe]/', 'blocked_address'],
    ['http://[fe80::1]/', 'blocked_address'],
    ['http://[fc00::1]/', 'blocked_address'],
    ['http://[fd00:ec2::254]/', 'blocked_address'],
    ['http://[ff02::1]/', 'blocked_address'],
    ['http://10.0.0.1/', 'blocked_address'],
    ['http://172.16.5.4/', 'blocked_address'],
    ['http://192.168.0.1/', 'blocked_address'],
    ['http://100.64.0.1/', 'blocked_address'],
    ['http://169.254.169.254/latest/meta-data/', 'blocked_address'],
    ['http://224.0.0.1/', 'blocked_address'],
    ['http://255.255.255.255/', 'blocked_address'],
    ['http://240.0.0.1/', 'blocked_address'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata_host'],
    ['http://example.com@127.0.0.1/', 'credentials'],
    ['http://user:pass@public.test/', 'credentials'],
    ['http://internal.test/', 'blocked_address'],
    ['http://v6loop.test/', 'blocked_address'],
    ['http://metadata.test/', 'blocked_address'],
    ['http://mixed.test/', 'blocked_address'],
    ['http://cgnat.test/', 'blocked_address'],
    ['http://mapped.test/', 'blocked_address'],
    ['http://internal.test./', 'blocked_address'],
    ['https://93.184.216.34:22/', 'port'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://127.0.0.1:6379/_INFO', 'scheme'],
    ['ftp://example.com/file', 'scheme'],
    ['data:text/html,<script>alert(1)</script>', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['not a url', 'invalid_url'],
  ];

  it.each(hostile)('blocks %s (%s)', async (url, reason) => {
    // Default options except the stub resolver: no allowance at all.
    const error = await safeFetch(url, { resolver }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedUrlError);
    expect((error as BlockedUrlError).reason).toBe(reason);
    expect((error as BlockedUrlError).code).toBe('validation_error');
  });

  it.each([
    ['/to-private', 'http://10.0.0.5/admin'],
    ['/to-metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['/to-internal-name', 'http://internal.test/'],
    ['/to-loopback-decimal', 'http://127.0.0.1/'],
    ['/to-file', 'file:///etc/passwd'],
  ])('blocks a redirect from an allowed host: %s', async (path, blockedUrl) => {
    const error = await safeFetch(fake(path), testAllowance).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlockedUrlError);
    expect((error as BlockedUrlError).url).toBe(blockedUrl);
  });

  it('blocks localhost through the real system resolver (hosts file, no network)', async () => {
    const error = await safeFetch('http://localhost/').catch((e: unknown) => e);
    expect((error as BlockedUrlError).reason).toBe('blocked_address');
  });

  it('does not let an allowed host name vouch for a different name at the same address', async () => {
    const error = await safeFetch(`http://127.0.0.1:${server.port}/ok`, testAllowance).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BlockedUrlError);
  });

  it('judges public unicast as allowed and embedded private IPv4 by the embedded address', () => {
    expect(checkAddress('93.184.216.34').allowed).toBe(true);
    expect(checkAddress('2606:2800:220:1:248:1893:25c8:1946').allowed).toBe(true);
    expect(checkAddress('64:ff9b::5db8:d822').allowed).toBe(true);
    expect(checkAddress('64:ff9b::a00:1').allowed).toBe(false);
    expect(checkAddress('::ffff:192.168.0.1').allowed).toBe(false);
  });
});

describe('SSRF guard: allowed fetches and limits', () => {
  it('fetches a legitimate URL through the test allowance, pinned to the checked address', async () => {
    const result = await safeFetch(fake('/ok'), { ...testAllowance, accept: ['text/html'] });
    expect(result.status).toBe(200);
    expect(result.body.toString()).toBe('<p>hello</p>');
    expect(result.finalUrl).toBe(fake('/ok'));
    expect(result.contentType).toContain('text/html');
    expect(result.fetchedAt).toBeInstanceOf(Date);
    // The Host header is the name, the connection went to the pinned address.
    expect(server.received.at(-1)?.headers.host).toBe(`public.test:${server.port}`);
  });

  it('resolves each hop once and connects to that answer, so a rebinding DNS cannot switch targets', async () => {
    // First answer passes (allow-listed loopback); any later lookup would point at the metadata service.
    const calls: string[] = [];
    const rebinding: Resolver = async (name) => {
      calls.push(name);
      return [{ address: calls.length === 1 ? '127.0.0.1' : '169.254.169.254', family: 4 }];
    };
    const result = await safeFetch(`http://rebind.test:${server.port}/ok`, {
      resolver: rebinding,
      allowHosts: ['127.0.0.1/32'],
    });
    expect(result.body.toString()).toBe('<p>hello</p>');
    expect(calls).toEqual(['rebind.test']);
    // A redirect is a new hop: re-resolved and re-checked, now to a blocked answer.
    calls.length = 0;
    const error = await safeFetch(`http://rebind.test:${server.port}/hop?n=0`, {
      resolver: rebinding,
      allowHosts: ['127.0.0.1/32'],
    }).catch((e: unknown) => e);
    expect(calls).toEqual(['rebind.test', 'rebind.test']);
    expect((error as BlockedUrlError).reason).toBe('blocked_address');
  });

  it('allows a private target by CIDR in the allow list', async () => {
    const result = await safeFetch(`http://127.0.0.1:${server.port}/ok`, { allowHosts: ['127.0.0.0/8'] });
    expect(result.status).toBe(200);
  });

  it('follows redirects up to the limit and records each hop', async () => {
    const result = await safeFetch(fake('/hop?n=2'), testAllowance);
    expect(result.redirects).toEqual([fake('/hop?n=1'), fake('/hop?n=0'), fake('/ok')]);
    expect(result.finalUrl).toBe(fake('/ok'));
    const error = await safeFetch(fake('/hop?n=5'), { ...testAllowance, maxRedirects: 3 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FetchLimitError);
    expect((error as FetchLimitError).limit).toBe('redirects');
  });

  it('aborts a body over the byte limit while streaming', async () => {
    const error = await safeFetch(fake('/huge'), { ...testAllowance, maxBytes: 100_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FetchLimitError);
    expect((error as FetchLimitError).limit).toBe('bytes');
    const whole = await safeFetch(fake('/huge'), { ...testAllowance, maxBytes: 10_000_000 });
    expect(whole.body.length).toBe(50 * 64 * 1024);
  });

  it('gives up on a server slower than the time limit', async () => {
    const error = await safeFetch(fake('/slow'), { ...testAllowance, timeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FetchLimitError);
    expect((error as FetchLimitError).limit).toBe('time');
  });

  it('refuses a body compressed against its request, which asked for identity, rather than hand on its bytes', async () => {
    const error = await safeFetch(fake('/gzip'), { ...testAllowance, accept: ['text/html'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FetchLimitError);
    expect(error).toMatchObject({
      limit: 'content_encoding',
      code: 'unsupported_media_type',
      message: expect.stringMatching(/gzip-compressed though asked for no compression/),
    });
    expect(server.received.at(-1)?.headers['accept-encoding']).toBe('identity');
  });

  it('hands on an answer that is not a success for its status, whatever its type', async () => {
    const result = await safeFetch(fake('/forbidden'), { ...testAllowance, accept: ['application/json'] });
    expect(result).toMatchObject({ status: 403, contentType: 'text/html; charset=utf-8' });
  });

  it('refuses a content type the caller did not accept', async () => {
    const error = await safeFetch(fake('/json'), { ...testAllowance, accept: ['text/html', 'text/*'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FetchLimitError);
    expect((error as FetchLimitError).limit).toBe('content_type');
  });
});

describe('SSRF guard: a name with several addresses', () => {
  // The first answer has nothing listening (the fake listens on 127.0.0.1 only); the second is the
  // fake. Each was checked, so the connection may fall back to the next as Node does by itself.
  const twoAddresses: Resolver = async () => [
    { address: '127.0.0.2', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ];
  const allowance = { resolver: twoAddresses, allowHosts: ['two.test'] };

  it('reaches the site at its second address when its first does not answer (it was dropped)', async () => {
    const result = await safeFetch(`http://two.test:${server.port}/ok`, allowance);
    expect(result.body.toString()).toBe('<p>hello</p>');
  });

  it('does so for a workspace server too', async () => {
    const response = await createGuardedFetch(allowance)(`http://two.test:${server.port}/ok`);
    expect(await response.text()).toBe('<p>hello</p>');
  });
});

describe('SSRF guard: slow names', () => {
  // A name whose servers answer when this test says so: the system lookup would hold one of libuv's
  // threads that long.
  function slowZone() {
    const pending: Array<{ name: string; answer: () => void }> = [];
    let running = 0;
    let most = 0;
    const resolve: Resolver = (name) =>
      new Promise((done) => {
        running++;
        most = Math.max(most, running);
        pending.push({
          name,
          answer: () => {
            running--;
            done([{ address: '93.184.216.34', family: 4 }]);
          },
        });
      });
    return { resolve, pending, most: () => most };
  }
  const settle = () => new Promise((r) => setTimeout(r, 10));

  it('are looked up two at a time, waiting names taking turns across their zones', async () => {
    const zone = slowZone();
    const lookups = boundedLookups(zone.resolve);
    const looked: string[] = [];
    const all = [...Array.from({ length: 6 }, (_, i) => `n${i}.slow.example`), 'www.other.example'].map(
      (name) => lookups(name).then(() => looked.push(name)),
    );
    for (let answered = 0; answered < 7; answered++) {
      await settle();
      zone.pending.shift()?.answer();
    }
    await Promise.all(all);
    expect(zone.most()).toBe(2);
    // After the two running and the one whose turn came first; first come first served: last.
    expect(looked.indexOf('www.other.example')).toBe(3);
  });

  it('refuses a name past 16 waiting of its zone as not resolvable now, and the fetch says so', async () => {
    const zone = slowZone();
    const lookups = boundedLookups(zone.resolve, 1);
    const waiting = Array.from({ length: 1 + maxWaitingLookups.perZone }, (_, i) =>
      lookups(`n${i}.slow.example`),
    );
    const err = await safeFetch('http://n99.slow.example/', { resolver: lookups }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlockedUrlError);
    expect(err).toMatchObject({
      reason: 'unresolvable',
      message: expect.stringMatching(/could not be looked up now/),
    });
    while (zone.pending.length > 0) {
      zone.pending.shift()?.answer();
      await settle();
    }
    await Promise.all(waiting);
  });
});
