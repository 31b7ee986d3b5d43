import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATA_DIR).toBe('./data');
    expect(c.DOCS_ENABLED).toBe(true);
    expect(c.RATE_LIMIT_ENABLED).toBe(true);
  });

  it('reads TRUST_PROXY as the proxies in front: one for "true", a count, or their addresses', () => {
    const trust = (value?: string) =>
      loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).TRUST_PROXY;
    expect([trust(), trust('false'), trust('0')]).toEqual([false, false, false]);
    expect([trust('true'), trust('1'), trust('on'), trust('2')]).toEqual([1, 1, 1, 2]);
    expect(trust('10.0.0.0/8, 192.168.1.10,::1,fd00::/8,loopback')).toEqual([
      '10.0.0.0/8',
      '192.168.1.10',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['everything', '10.0.0.0/33', '300.1.1.1', '10.0.0.1/8/2'])
      expect(() => trust(bad), bad).toThrow(/TRUST_PROXY: must be true, false, a number of proxies/);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'abc', ENVIRONMENT: 'production', REDIS_URL: 'http://x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/REDIS_URL/);
      expect(problems).toMatch(/SECRET_KEY: is required in production/);
    }
  });

  it('says what is wrong with a number in plain words', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problems({ PORT: 'abc' })).toEqual(['PORT: must be a number']);
    expect(problems({ ARTICLE_CONCURRENCY: '1.5' })).toEqual(['ARTICLE_CONCURRENCY: must be a whole number']);
    expect(problems({ LLM_CACHE_TTL: '2.5' })).toEqual(['LLM_CACHE_TTL: must be a whole number']);
    expect(problems({ LLM_MONTHLY_BUDGET_USD: 'ten' })).toEqual(['LLM_MONTHLY_BUDGET_USD: must be a number']);
    // The bounds keep their own message.
    expect(problems({ PORT: '70000' })).toEqual(['PORT: Too big: expected number to be <=65535']);
  });

  it("refuses an embedding width pgvector's HNSW index cannot hold, in one message", () => {
    expect(loadConfig({ EMBEDDING_DIMENSIONS: '2000' }).EMBEDDING_DIMENSIONS).toBe(2000);
    try {
      loadConfig({ EMBEDDING_DIMENSIONS: '3072', GEMINI_API_KEY: 'x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        /^EMBEDDING_DIMENSIONS: must be at most 2000, the widest vectors pgvector's HNSW index \(vector search\) holds; gemini-embedding-001 .* are asked for this width/,
      );
    }
  });

  it('turns docs off by default in production', () => {
    expect(loadConfig({ ENVIRONMENT: 'production', SECRET_KEY: 'x'.repeat(40) }).DOCS_ENABLED).toBe(false);
  });

  it('validates the LLM price overrides', () => {
    expect(
      loadConfig({ LLM_PRICES_JSON: '{"compatible:x":{"input":1,"output":2}}' }).LLM_PRICES_JSON,
    ).toEqual({
      'compatible:x': { input: 1, output: 2 },
    });
    expect(() => loadConfig({ LLM_PRICES_JSON: '{nope' })).toThrow(/LLM_PRICES_JSON: must be JSON/);
    expect(() => loadConfig({ LLM_PRICES_JSON: '{"x":{"input":-1,"output":2}}' })).toThrow(/LLM_PRICES_JSON/);
  });
});
