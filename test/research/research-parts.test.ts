import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { memoryCache } from '../../src/research/cache.ts';
import { normaliseUrl } from '../../src/research/canonical-url.ts';
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
