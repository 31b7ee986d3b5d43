// The reproductions of the schema fuzzer's findings (issue 16) and of the NUL/surrogate probe: each
// answers a 4xx in the one error shape (or, for legitimate text, a 200), never a 500. Dates, text,
// integers, language tags, base URLs and Markdown nesting each have one rule (src/input/).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileForm } from '../knowledge/samples-ingest.ts';
import { bearer, createKey, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await createTestApp('pglite', { RATE_LIMIT_ENABLED: 'false' });
  const owner = await setupOwner(t.app);
  key = (await createKey(t.app, owner.cookie)).key;
}, 120_000);
afterAll(async () => t?.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const call = (
  method: Method,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = bearer(key),
) =>
  t.app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

/** A 4xx in the one error shape; returns the error for further checks. */
async function refused(method: Method, url: string, payload?: unknown, status = 400) {
  const res = await call(method, url, payload);
  expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)} → ${res.body.slice(0, 300)}`).toBe(
    status,
  );
  const error = res.json().error;
  expect(error).toMatchObject({
    code: expect.any(String),
    message: expect.any(String),
    requestId: expect.any(String),
  });
  return error as { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const someId = randomUUID();

describe('dates', () => {
  it('refuses page cursors outside PostgreSQL range on every paged list', async () => {
    for (const list of ['articles', 'documents', 'api-keys', 'audit']) {
      await refused('GET', `/api/v1/${list}?cursor=MDAwMC0wMS0wMQ`); // "0000-01-01"
      await refused('GET', `/api/v1/${list}?cursor=${b64('+275760-09-13T00:00:00.000Z')}`);
      const ok = await call('GET', `/api/v1/${list}?cursor=${b64('2025-01-01T00:00:00.000Z')}`);
      expect(ok.statusCode).toBe(200);
    }
  });

  it('refuses usage ranges that are not strict ISO dates of years 1–9999', async () => {
    await refused('GET', '/api/v1/usage?from=0000-01-01');
    await refused('GET', '/api/v1/usage?to=-271821-04-20T00:00:00Z');
    await refused('GET', '/api/v1/usage?from=2024-02-30');
    await refused('GET', '/api/v1/usage?from=1700000000000');
    const ok = await call('GET', '/api/v1/usage?from=2025-01-01&to=2025-02-01T00:00:00Z');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().from).toBe('2025-01-01T00:00:00.000Z');
    // Only `to`, in January of year 1: the 30 days before it would start in year 0 (a 500 from the
    // database); the range starts at year 1 instead.
    const early = await call('GET', '/api/v1/usage?to=0001-01-20');
    expect(early.statusCode).toBe(200);
    expect(early.json().from).toBe('0001-01-01T00:00:00.000Z');
  });

  it('takes an API key expiry only as a strict ISO time in the future', async () => {
    const past = new Date(Date.now() - 3600_000).toISOString();
    for (const expiresAt of ['+010000-01-01T00:00:00Z', null, true, 0, -1, [2025], '2024-02-30', past, '']) {
      const error = await refused('POST', '/api/v1/api-keys', { name: 'k', expiresAt });
      expect(error.details?.[0]?.path).toBe('expiresAt');
    }
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const ok = await call('POST', '/api/v1/api-keys', { name: 'k', expiresAt: future });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().apiKey.expiresAt).toBe(future);
  });
});

describe('text', () => {
  const nul = 'bad\u0000value';
  const lone = 'bad\ud800value';
  const invisible = ['\u200b\u200b', '\u0001\u0002', ' \u200d\ufeff ', '\u3164'];

  it('refuses NUL and lone surrogates in every kind of text field', async () => {
    for (const bad of [nul, lone]) {
      await refused('POST', '/api/v1/brand-voices', { name: bad, guidelines: 'plain' });
      await refused('POST', '/api/v1/brand-voices', { name: 'plain', guidelines: bad });
      await refused('POST', '/api/v1/api-keys', { name: bad });
      // Members join by invitation; the invitee's name arrives when they accept it.
      const accept = await call(
        'POST',
        '/api/v1/invitations/not-a-token/accept',
        { password: 'long-enough-1', name: bad },
        {},
      );
      expect(accept.statusCode, accept.body).toBe(400);
      expect(accept.json().error.code).toBe('validation_error');
      await refused('PATCH', `/api/v1/articles/${someId}`, { title: bad });
      await refused('PATCH', `/api/v1/articles/${someId}`, { markdown: `# ${bad}` });
      for (const field of ['topic', 'title', 'audience', 'tone']) {
        await refused('POST', '/api/v1/articles', { topic: 'heat pumps', [field]: bad });
      }
      await refused('POST', '/api/v1/articles', { topic: 'heat pumps', keywords: [bad] });
      await refused('POST', '/api/v1/knowledge/search', { query: bad });
      await refused('POST', '/api/v1/knowledge/search', { query: 'x', tags: [bad] });
      await refused('POST', '/api/v1/knowledge/similar', { text: bad });
      await refused('PUT', '/api/v1/llm/settings', { roleModels: { writer: `compatible:${bad}` } });
    }
    await refused('GET', '/api/v1/articles?q=a%00b');
  });

  it('refuses NUL in multipart fields', async () => {
    const form = fileForm(Buffer.from('# Notes\n\nSome text.\n'), 'notes.md', [
      { name: 'tags', value: 'one,t\u0000wo' },
    ]);
    const res = await call('POST', '/api/v1/documents', form.payload, { ...bearer(key), ...form.headers });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_error');
  });

  it('refuses names, titles, topics and Markdown made only of invisible characters', async () => {
    for (const blank of invisible) {
      await refused('POST', '/api/v1/brand-voices', { name: blank, guidelines: 'plain' });
      await refused('POST', '/api/v1/api-keys', { name: blank });
      await refused('POST', '/api/v1/articles', { topic: blank });
      await refused('PATCH', `/api/v1/articles/${someId}`, { title: blank });
    }
    await refused('PATCH', `/api/v1/articles/${someId}`, { markdown: ' \n\t\n ' });
  });
});

describe('full-text queries and Markdown', () => {
  it('similar passages take text that looks like tsquery syntax', async () => {
    // A library with a passage, so the full-text prefilter really runs.
    await t.runtime.queue.start({ work: true });
    const form = fileForm(
      Buffer.from('# Ports\n\nThe server example.com listens on port 8080 for requests.\n'),
      'ports.md',
    );
    const upload = await call('POST', '/api/v1/documents', form.payload, { ...bearer(key), ...form.headers });
    expect(upload.statusCode, upload.body).toBe(202);
    const id = upload.json().id;
    for (let i = 0; i < 300; i++) {
      const status = (await call('GET', `/api/v1/documents/${id}`)).json().status;
      if (status === 'ready') break;
      expect(status).not.toBe('failed');
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const text of ['example.com:8080', "a:* & !b | 'c' <-> (d", 'x:A', '!!!']) {
      const res = await call('POST', '/api/v1/knowledge/similar', { text });
      expect(res.statusCode, res.body).toBe(200);
    }
    const found = (await call('POST', '/api/v1/knowledge/similar', { text: 'example.com:8080' })).json();
    expect(found.items.map((r: { documentId: string }) => r.documentId)).toContain(id);
  });

  it('refuses deeply nested Markdown in an edit and in an uploaded document', async () => {
    const deep = `${'> '.repeat(5000)}deep`;
    const error = await refused('PATCH', `/api/v1/articles/${someId}`, { markdown: deep });
    expect(error.details?.[0]?.message).toMatch(/nests more than/);
    const form = fileForm(Buffer.from(`# Deep\n\n${deep}\n`), 'deep.md', [], 'text/markdown');
    const res = await call('POST', '/api/v1/documents', form.payload, { ...bearer(key), ...form.headers });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_error', details: { reason: 'too_nested' } });
  });

  it('refuses Markdown whose emphasis marks would hold the parser, in an edit and in an upload', async () => {
    // 60 kB of openers that never close: 47 s of marked before its search was bounded; refused.
    const hostile = '*_a'.repeat(20_000);
    const error = await refused('PATCH', `/api/v1/articles/${someId}`, { markdown: hostile });
    expect(error.details?.[0]?.message).toMatch(/too many emphasis marks/);
    const form = fileForm(Buffer.from(`# Marks\n\n${hostile}\n`), 'marks.md', [], 'text/markdown');
    const res = await call('POST', '/api/v1/documents', form.payload, { ...bearer(key), ...form.headers });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ details: { reason: 'too_complex' } });
    // A long article that leans on emphasis passes validation (to the 404 of an unknown article).
    const heavy = Array.from(
      { length: 200 },
      (_, i) =>
        `## Part ${i}\n\nThe **key point ${i}** is _this_, with *italics*, __more__ and a \`snake_case\` name. ${'Plain words here. '.repeat(60)}`,
    ).join('\n\n');
    const accepted = await call('PATCH', `/api/v1/articles/${someId}`, { markdown: heavy });
    expect(accepted.statusCode, accepted.body).toBe(404);
  });
});

describe('accepted nonsense', () => {
  it('validates the language with Intl', async () => {
    for (const language of ['en-US-US', 'i-klingon', 'xx', 'zz-ZZ']) {
      const error = await refused('POST', '/api/v1/articles', { topic: 'heat pumps', language });
      expect(error.details?.[0]?.path).toBe('language');
    }
  });

  it('takes LLM base URLs only as http(s) with a host and a valid port', async () => {
    for (const baseUrl of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'gopher://example.com/',
      'data:text/plain,hi',
      'http://example.com:0/v1',
      'http://example.com:65536/v1',
      'http:///v1',
    ]) {
      await refused('PUT', '/api/v1/llm/settings', { credentials: { compatible: { baseUrl } } });
    }
    // Found by the fuzzer: a budget of 5e-324 USD made /usage/summary's fraction Infinity (500).
    for (const monthlyBudgetUsd of [5e-324, 0.001, 0, -1]) {
      await refused('PUT', '/api/v1/llm/settings', { monthlyBudgetUsd });
    }
    const ok = await call('PUT', '/api/v1/llm/settings', {
      credentials: { compatible: { baseUrl: 'https://models.example.com:8443/v1' } },
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('refuses control characters in a URL at its field, and stores the URL normalised', async () => {
    for (const url of [
      'https://example.com/hook\u0000x',
      'https://example.com/\tx',
      'https://example.com/\ud800',
    ]) {
      const error = await refused('POST', '/api/v1/webhooks', { url, events: ['article.completed'] });
      expect(error.details?.[0]?.path).toBe('url');
      const llm = await refused('PUT', '/api/v1/llm/settings', {
        credentials: { compatible: { baseUrl: url } },
      });
      expect(llm.details?.[0]?.path).toMatch(/baseUrl$/);
    }
    const made = await call('POST', '/api/v1/webhooks', {
      url: 'HTTPS://Example.COM:443/a b/ü',
      events: ['article.completed'],
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().url).toBe('https://example.com/a%20b/%C3%BC');
    await call('DELETE', `/api/v1/webhooks/${made.json().id}`);
  });

  it('estimates a brief whose outline is empty or only blank headings as one without an outline', async () => {
    // Found by the fuzzer: `outline: []` planned zero sections, and each section's share of the
    // article (tokens ÷ sections) was Infinity, which failed the estimate's response schema (500).
    const without = await call('POST', '/api/v1/articles/estimate', { topic: 'heat pumps', words: 5258 });
    expect(without.statusCode, without.body).toBe(200);
    for (const outline of [[], ['##', '**  **']]) {
      const res = await call('POST', '/api/v1/articles/estimate', {
        topic: 'heat pumps',
        words: 5258,
        outline,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual(without.json());
    }
  });

  it('reads indexes and limits only as integers written as integers', async () => {
    await refused('POST', `/api/v1/articles/${someId}/sections//regenerate`);
    for (const index of ['0x10', '1e2', '1.0', ' 1', '+1']) {
      await refused('POST', `/api/v1/articles/${someId}/sections/${encodeURIComponent(index)}/regenerate`);
    }
    for (const limit of ['0x10', '1e2', '1e3', '', ' 5', '+5', '2.5', '5 ']) {
      await refused('GET', `/api/v1/articles?limit=${encodeURIComponent(limit)}`);
    }
    expect((await call('GET', '/api/v1/articles?limit=5')).statusCode).toBe(200);
  });

  it('authenticates before validating: an unauthenticated caller gets 401, not field errors', async () => {
    const bodies: Array<[Method, string, unknown]> = [
      ['POST', '/api/v1/articles', { topic: '', words: 'many' }],
      ['POST', '/api/v1/api-keys', { expiresAt: 'never' }],
      ['PATCH', `/api/v1/articles/${someId}`, { title: 5 }],
      ['POST', '/api/v1/articles/not-a-uuid/sections/x/regenerate', undefined],
      ['GET', '/api/v1/usage?from=yesterday', undefined],
    ];
    for (const [method, url, payload] of bodies) {
      for (const headers of [{}, { authorization: 'Bearer bsk_not-a-real-key' }] as Array<
        Record<string, string>
      >) {
        const res = await call(method, url, payload, headers);
        expect(res.statusCode, `${method} ${url}`).toBe(401);
        expect(res.json().error.code).toBe('unauthenticated');
        expect(res.json().error.details).toBeUndefined();
      }
    }
  });
});
