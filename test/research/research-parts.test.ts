import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { memoryCache } from '../../src/research/cache.ts';
import { believableCanonical, normaliseUrl, siteOf } from '../../src/research/canonical-url.ts';
import { researchFromConfig } from '../../src/research/from-config.ts';
import { domainSignal, freshnessSignal, lengthSignal } from '../../src/research/quality.ts';

describe('normaliseUrl', () => {
  it.each([
    ['https://WWW.Example.COM/a/b/?utm_source=x&utm_medium=y#top', 'https://example.com/a/b'],
    ['https://example.com/a?b=2&a=1&fbclid=z', 'https://example.com/a?a=1&b=2'],
    ['https://example.com/', 'https://example.com'],
    ['https://example.com:443/x', 'https://example.com/x'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseUrl(input)).toBe(expected);
  });

  it('reads a path of many slashes in linear time', () => {
    // A page's canonical link is the page's to write: each slash was tried against the rest of the
    // run (40 kB: 0.9 s; this, minutes).
    const path = `/${'/'.repeat(400_000)}a`;
    expect(normaliseUrl(`https://example.com${path}`)).toBe(`https://example.com${path}`);
    expect(normaliseUrl(`https://example.com/a${'/'.repeat(400_000)}`)).toBe('https://example.com/a');
  });
});

describe('believableCanonical', () => {
  it.each([
    // An AMP or print view naming its article, on the same site.
    ['https://news.example/heat', 'https://news.example/amp/heat', 'https://news.example/heat'],
    ['https://www.bbc.co.uk/news/1', 'https://m.bbc.co.uk/news/1', 'https://www.bbc.co.uk/news/1'],
    ['https://example.com/?p=12', 'https://example.com/2026/heat', 'https://example.com/?p=12'],
    ['https://example.com/', 'https://example.com/?utm_source=x', 'https://example.com/'],
    // Every page of a site naming its home page: each page is its own.
    ['https://example.com/', 'https://example.com/heat-pumps', 'https://example.com/heat-pumps'],
    // Another site's page: not this site's to claim.
    ['https://other.example/heat', 'https://news.example/heat', 'https://news.example/heat'],
    ['https://bbc.co.uk/news/1', 'https://itv.co.uk/news/1', 'https://itv.co.uk/news/1'],
    ['http://10.0.0.1/a', 'http://127.0.0.1/a', 'http://127.0.0.1/a'],
    [undefined, 'https://news.example/heat', 'https://news.example/heat'],
  ])('takes %s on %s as %s', (canonical, page, expected) => {
    expect(believableCanonical(canonical, page)).toBe(expected);
  });

  it('tells sites apart by their registrable domain, roughly', () => {
    expect(siteOf('www.news.example')).toBe('news.example');
    expect(siteOf('news.bbc.co.uk')).toBe('bbc.co.uk');
    expect(siteOf('abc.net.au')).toBe('abc.net.au');
    expect(siteOf('example.com.')).toBe('example.com');
  });
});

describe('quality signals', () => {
  it('ranks .gov/.edu and references above ordinary sites, content farms below', () => {
    expect(domainSignal('www.energy.gov')).toBe(1);
    expect(domainSignal('cs.stanford.edu')).toBe(1);
    expect(domainSignal('en.wikipedia.org')).toBe(0.9);
    expect(domainSignal('example.com')).toBe(0.5);
    expect(domainSignal('www.ehow.com')).toBe(0.1);
  });
  it('prefers fresh and substantial pages', () => {
    const now = new Date('2026-07-01T00:00:00Z');
    expect(freshnessSignal('2026-06-01T00:00:00Z', now)).toBeGreaterThan(
      freshnessSignal('2020-06-01T00:00:00Z', now),
    );
    expect(freshnessSignal(undefined, now)).toBe(0.5);
    expect(lengthSignal(2000)).toBe(1);
    expect(lengthSignal(100)).toBeLessThan(lengthSignal(800));
  });
});

describe('memoryCache', () => {
  it('expires entries after their TTL and evicts the least recently used', async () => {
    let clock = 0;
    const cache = memoryCache(2, () => clock);
    await cache.set('a', 1, 10);
    await cache.set('b', 2, 10);
    expect(await cache.get('a')).toBe(1); // a is now the most recent
    await cache.set('c', 3, 10);
    expect(await cache.get('b')).toBeUndefined();
    clock = 11_000;
    expect(await cache.get('a')).toBeUndefined();
  });
});

describe('researchFromConfig', () => {
  it('is disabled without providers and carries the fetch limits and cache TTL', () => {
    const off = researchFromConfig(loadConfig({}));
    expect(off.enabled).toBe(false);
    expect(off.options.cacheTtlSeconds).toBe(86400);
    const on = researchFromConfig(
      loadConfig({ BRAVE_API_KEY: 'k', FETCH_ALLOW_HOSTS: 'searx.lan, 10.0.0.0/8', FETCH_MAX_BYTES: '1000' }),
    );
    expect(on.enabled).toBe(true);
    expect(on.deps.providers.map((p) => p.name)).toEqual(['brave']);
    expect(on.deps.fetchOptions).toMatchObject({
      allowHosts: ['searx.lan', '10.0.0.0/8'],
      maxBytes: 1000,
      maxRedirects: 5,
      timeoutMs: 15_000,
    });
  });
});
