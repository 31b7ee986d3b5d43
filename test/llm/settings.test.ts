import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getWorkspaceLlmSettings, monthlyBudgetOf } from '../../src/llm/settings.ts';
import { bearer, createKey, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

const plaintextKey = 'sk-live-very-secret-provider-key-42';

describe.each(backends)('workspace LLM settings (%s)', (backend) => {
  let t: TestApp;
  let cookie: string;
  let workspaceId: string;

  beforeAll(async () => {
    t = await createTestApp(backend);
    const owner = await setupOwner(t.app);
    cookie = owner.cookie;
    workspaceId = owner.body.workspace.id;
  });
  afterAll(async () => t.close());

  it('stores the provider key encrypted and never returns it', async () => {
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/llm/settings',
      headers: session(cookie),
      payload: {
        credentials: { openai: { apiKey: plaintextKey, baseUrl: 'https://llm.example.com/v1' } },
        roleModels: { writer: 'openai:gpt-4o' },
        monthlyBudgetUsd: 25,
      },
    });
    expect(put.statusCode).toBe(200);
    expect(put.body).not.toContain(plaintextKey);
    expect(put.json()).toEqual({
      credentials: { openai: { apiKeySet: true, baseUrl: 'https://llm.example.com/v1', unreadable: [] } },
      roleModels: { writer: 'openai:gpt-4o' },
      monthlyBudgetUsd: 25,
      modelPrices: {},
    });

    const rows = await t.runtime.database.query('select * from workspace_llm_settings');
    expect(rows.rows).toHaveLength(1);
    expect(JSON.stringify(rows.rows)).not.toContain(plaintextKey);

    const get = await t.app.inject({ method: 'GET', url: '/api/v1/llm/settings', headers: session(cookie) });
    expect(get.statusCode).toBe(200);
    expect(get.body).not.toContain(plaintextKey);
    expect(get.json().credentials.openai.apiKeySet).toBe(true);

    const internal = await getWorkspaceLlmSettings(t.runtime.database, t.runtime.secretKey, workspaceId);
    expect(internal.credentials.openai?.apiKey).toBe(plaintextKey);
    expect(internal.monthlyBudgetUsd).toBe(25);
    expect(await monthlyBudgetOf(t.runtime.database, workspaceId, 100)).toBe(25);
  });

  it('keeps omitted fields and clears null ones', async () => {
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/llm/settings',
      headers: session(cookie),
      payload: { credentials: { openai: { baseUrl: null } }, monthlyBudgetUsd: null },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({
      credentials: { openai: { apiKeySet: true, baseUrl: null, unreadable: [] } },
      roleModels: { writer: 'openai:gpt-4o' },
      monthlyBudgetUsd: null,
      modelPrices: {},
    });
    expect(await monthlyBudgetOf(t.runtime.database, workspaceId, 100)).toBe(100);
    expect(await monthlyBudgetOf(t.runtime.database, workspaceId, undefined)).toBeUndefined();
  });

  it('rejects an invalid model name with a validation error', async () => {
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/llm/settings',
      headers: session(cookie),
      payload: { roleModels: { writer: 'nosuchprovider:model' } },
    });
    expect(put.statusCode).toBe(400);
    expect(put.json().error.code).toBe('validation_error');
  });

  it('needs the settings:write scope to change settings and a sign-in to read them', async () => {
    const { key } = await createKey(t.app, cookie, { name: 'reader', scopes: ['settings:read'] });
    const read = await t.app.inject({ method: 'GET', url: '/api/v1/llm/settings', headers: bearer(key) });
    expect(read.statusCode).toBe(200);
    const write = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/llm/settings',
      headers: bearer(key),
      payload: { monthlyBudgetUsd: 1 },
    });
    expect(write.statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/llm/settings' });
    expect(anonymous.statusCode).toBe(401);
  });
});
