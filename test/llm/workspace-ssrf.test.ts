// A workspace's model server base URL is a URL a workspace member chose: it obeys the SSRF policy
// (public unicast only, checked at every connection, no redirects), private servers only by the
// operator's LLM_ALLOW_HOSTS, and upstream answers reach users only as short plain excerpts.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema/index.ts';
import { updateWorkspaceLlmSettings } from '../../src/llm/settings.ts';
import { BlockedUrlError, createGuardedFetch, type Resolver } from '../../src/security/ssrf/index.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { html, type LocalServer, redirect, startServer } from '../research/local-server.ts';
import { session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const secretPage = `<html><head><title>Admin</title></head><body>\u0007<script>alert(1)</script>${'internal-secret '.repeat(400)}</body></html>`;

let fake: FakeServer;
let internal: LocalServer;
beforeAll(async () => {
  fake = await startOpenAiServer();
  internal = await startServer({
    // An internal admin page that answers any POST with HTML.
    '/admin/chat/completions': (_req, res) => html(res, secretPage),
    '/moved/chat/completions': (_req, res) => redirect(res, 'http://169.254.169.254/latest/', 307),
  });
});
afterAll(async () => {
  await fake.close();
  await internal.close();
});

describe('workspace base URLs without an operator allowance', () => {
  let t: TestApp;
  let cookie: string;
  let workspaceId: string;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    const owner = await setupOwner(t.app);
    cookie = owner.cookie;
    workspaceId = owner.body.workspace.id;
  });
  afterAll(async () => t.close());

  const put = (credentials: Record<string, unknown>) =>
    t.app.inject({
      method: 'PUT',
      url: '/api/v1/llm/settings',
      headers: session(cookie),
      payload: { credentials },
    });

  it.each([
    ['compatible', `http://127.0.0.1:4300/admin?x=`, 'loopback'],
    ['ollama', 'http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['compatible', 'http://[::1]:8000/v1', 'loopback'],
    ['compatible', 'http://10.1.2.3:8000/v1', 'private'],
    ['compatible', 'http://localhost:11434', 'loopback'],
    ['openai', 'http://metadata.google.internal/v1', 'metadata'],
    ['compatible', 'ftp://models.example.com/v1', 'scheme'],
    ['compatible', 'file:///etc/passwd', 'scheme'],
  ])('refuses %s base URL %s with 400', async (provider, baseUrl, why) => {
    const res = await put({ [provider]: { baseUrl, apiKey: 'k' } });
    expect(res.statusCode).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('validation_error');
    expect(error.details[0].path).toBe(`credentials.${provider}.baseUrl`);
    if (why === 'scheme') {
      // Not a web address at all: the request schema refuses it before the address policy runs.
      expect(error.details[0].message).toMatch(/http/i);
      return;
    }
    expect(error.message).toContain(why);
    expect(error.message).toContain('LLM_ALLOW_HOSTS');
  });

  it('accepts a public host name at storage time', async () => {
    const res = await put({ compatible: { baseUrl: 'https://models.example.com/v1' } });
    expect(res.statusCode).toBe(200);
  });

  it('checks every connection: a stored private address is never reached by a run or by llm/check', async () => {
    // As if stored before this check existed, or a name that now resolves to loopback (rebinding).
    await updateWorkspaceLlmSettings(t.runtime.database, t.config.SECRET_KEY!, workspaceId, () => ({
      credentials: { compatible: { baseUrl: `${internal.url}/admin`, apiKey: 'k' } },
      roleModels: { writer: 'compatible:m', planner: 'compatible:m', checker: 'compatible:m' },
      monthlyBudgetUsd: null,
      modelPrices: {},
    }));
    t.runtime.llm.invalidateWorkspace(workspaceId);
    const before = internal.received.length;
    await expect(
      t.runtime.llm.generateText({
        role: 'writer',
        prompt: 'hi',
        workspaceId,
        purpose: { kind: 'other' },
        cache: false,
      }),
    ).rejects.toThrow(/blocked/i);
    const check = await t.app.inject({ method: 'POST', url: '/api/v1/llm/check', headers: session(cookie) });
    expect(check.statusCode).toBe(200);
    const text = check.json().items.find((r: { kind: string }) => r.kind === 'text');
    expect(text.ok).toBe(false);
    expect(text.error).toMatch(/blocked.*loopback/i);
    expect(internal.received.length).toBe(before);
  });
});

describe('a workspace choosing Ollama without an address', () => {
  let t: TestApp;
  let cookie: string;
  let workspaceId: string;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    const owner = await setupOwner(t.app);
    cookie = owner.cookie;
    workspaceId = owner.body.workspace.id;
  });
  afterAll(async () => t.close());

  it("is refused at save time: the local default address is the operator's to enable", async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/llm/settings',
      headers: session(cookie),
      payload: { roleModels: { writer: 'ollama:llama3.2' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ path: 'roleModels.writer' });
    expect(res.json().error.details[0].message).toMatch(/ollama is not connected.*address/i);
  });

  it('never connects to the loopback default: not from a run, not from the model list', async () => {
    // As if stored before the save check existed.
    await updateWorkspaceLlmSettings(t.runtime.database, t.config.SECRET_KEY!, workspaceId, () => ({
      credentials: {},
      roleModels: { writer: 'ollama:llama3.2' },
      monthlyBudgetUsd: null,
      modelPrices: {},
    }));
    t.runtime.llm.invalidateWorkspace(workspaceId);
    await expect(
      t.runtime.llm.generateText({
        role: 'writer',
        prompt: 'hi',
        workspaceId,
        purpose: { kind: 'other' },
        cache: false,
      }),
    ).rejects.toThrow(/ollama.*not configured/i);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/llm/providers/ollama/models',
      headers: session(cookie),
    });
    expect(list.statusCode).toBe(409);
    expect(list.json().error.message).toMatch(/not connected/);
  });
});

describe('workspace base URLs with LLM_ALLOW_HOSTS', () => {
  let t: TestApp;
  let cookie: string;
  let workspaceId: string;
  beforeAll(async () => {
    t = await createTestApp('pglite', { LLM_ALLOW_HOSTS: '127.0.0.0/8' });
    const owner = await setupOwner(t.app);
    cookie = owner.cookie;
    workspaceId = owner.body.workspace.id;
  });
  afterAll(async () => t.close());

  const put = (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'PUT', url: '/api/v1/llm/settings', headers: session(cookie), payload });

  it('lets a workspace use a LAN model server the operator allowed, streaming included', async () => {
    const saved = await put({
      credentials: { compatible: { baseUrl: fake.baseUrl } },
      roleModels: { writer: 'compatible:lan-model' },
    });
    expect(saved.statusCode).toBe(200);
    fake.script({ type: 'answer', text: 'streamed through the guard', chunkSize: 3 });
    const deltas: string[] = [];
    const stream = t.runtime.llm.streamText({
      role: 'writer',
      prompt: 'hi',
      workspaceId,
      purpose: { kind: 'other' },
      cache: false,
    });
    for await (const d of stream) deltas.push(d);
    expect((await stream.result).text).toBe('streamed through the guard');
    expect(deltas.join('')).toBe('streamed through the guard');
    expect(deltas.length).toBeGreaterThan(1);
  });

  it('shows only a short plain excerpt of what the model server answered', async () => {
    await put({ credentials: { compatible: { baseUrl: `${internal.url}/admin` } } });
    const check = await t.app.inject({ method: 'POST', url: '/api/v1/llm/check', headers: session(cookie) });
    const text = check.json().items.find((r: { kind: string }) => r.kind === 'text');
    expect(text.ok).toBe(false);
    expect(text.error).not.toMatch(/[<>]/);
    expect([...text.error].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    expect(text.error.length).toBeLessThanOrEqual(450);
    expect(text.error.split('internal-secret').length - 1).toBeLessThan(20);
  });

  it('refuses redirects from the model server', async () => {
    await put({ credentials: { compatible: { baseUrl: `${internal.url}/moved` } } });
    const check = await t.app.inject({ method: 'POST', url: '/api/v1/llm/check', headers: session(cookie) });
    const text = check.json().items.find((r: { kind: string }) => r.kind === 'text');
    expect(text.error).toMatch(/redirect/);
  });

  it('audits settings changes without secret values', async () => {
    await put({
      credentials: { openai: { apiKey: 'sk-audit-secret-value-1234' } },
      roleModels: { planner: 'openai:gpt-4o-mini' },
      monthlyBudgetUsd: 12,
    });
    await put({ credentials: { openai: { apiKey: null } }, monthlyBudgetUsd: null });
    const rows = await t.runtime.database.db.select().from(auditLog);
    const llm = rows.filter((r) => r.action === 'llm_settings.updated');
    expect(JSON.stringify(rows)).not.toContain('sk-audit-secret-value-1234');
    const set = llm.find((r) => JSON.stringify(r.details).includes('"openai":"set"'));
    expect(set?.details).toMatchObject({
      apiKeys: { openai: 'set' },
      roleModels: { planner: { from: null, to: 'openai:gpt-4o-mini' } },
      monthlyBudgetUsd: { from: null, to: 12 },
    });
    const cleared = llm.find((r) => JSON.stringify(r.details).includes('"openai":"cleared"'));
    expect(cleared?.details).toMatchObject({ monthlyBudgetUsd: { from: 12, to: null } });
    expect(llm.some((r) => JSON.stringify(r.details).includes('/admin'))).toBe(true);
  });
});

describe('guarded fetch', () => {
  it('stops reading a response past 32 MB, declared or sent without end', async () => {
    let endlessClosed = false;
    const hostile = await startServer({
      '/declared': (_req, res) => {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(64 * 1024 * 1024),
        });
        res.write('{"data": [');
      },
      // A server that streams without end: unbounded, the process grew until it died.
      '/endless': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = `data: ${JSON.stringify({ choices: [{ delta: { content: 'x'.repeat(60_000) } }] })}\n\n`;
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => {
          endlessClosed = true;
        });
        pump();
      },
    });
    try {
      const guarded = createGuardedFetch({ allowHosts: ['127.0.0.1/32'] });
      await expect(guarded(`${hostile.url}/declared`)).rejects.toMatchObject({
        name: 'FetchLimitError',
        message: expect.stringContaining('larger than 32 MB'),
      });
      const endless = await guarded(`${hostile.url}/endless`);
      await expect(endless.text()).rejects.toThrow(/larger than 32 MB/);
      await expect.poll(() => endlessClosed).toBe(true);
      // An ordinary answer passes untouched.
      fake.script({ type: 'answer', text: 'small' });
      const provider = createOpenAICompatible({ name: 'c', baseURL: fake.baseUrl, fetch: guarded });
      expect(await streamText({ model: provider.chatModel('m'), prompt: 'x', maxRetries: 0 }).text).toBe(
        'small',
      );
    } finally {
      await hostile.close();
    }
  });

  it('resolves and checks every connection, so a name that rebinds to a private address is refused', async () => {
    let calls = 0;
    // First answer: the allowed address; later answers: another loopback address (rebinding).
    const resolver: Resolver = async () => {
      calls++;
      return [{ address: calls === 1 ? '127.0.0.1' : '127.0.0.2', family: 4 }];
    };
    const guarded = createGuardedFetch({ resolver, allowHosts: ['127.0.0.1/32'] });
    const url = `http://model.test:${fake.baseUrl.split(':')[2]}`;
    fake.script({ type: 'answer', text: 'first' });
    const provider = createOpenAICompatible({ name: 'c', baseURL: url, fetch: guarded });
    const first = streamText({ model: provider.chatModel('m'), prompt: 'x', maxRetries: 0 });
    expect(await first.text).toBe('first');
    const seen = fake.requests.length;
    await expect(guarded(`${url}/chat/completions`, { method: 'POST', body: '{}' })).rejects.toBeInstanceOf(
      BlockedUrlError,
    );
    expect(calls).toBe(2);
    expect(fake.requests.length).toBe(seen);
  });
});
