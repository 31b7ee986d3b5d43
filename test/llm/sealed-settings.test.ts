// Provider keys sealed with another SECRET_KEY — a backup restored without its secret key, a changed
// key — or a settings row of another shape: the settings can still be read and changed (they
// answered 500, so an admin could not enter the keys again), the sealed values are kept as stored
// until replaced, and the workspace's calls to that provider fail with the reason instead of going to
// the environment's provider or failing as a decryption error.
import { describe, expect, it } from 'vitest';
import { encryptSecret } from '../../src/security/encryption.ts';
import { session } from '../support/accounts.ts';
import { useWorkspaceWithFakeModel } from './support.ts';

const anotherKey = 'another-secret-key-that-is-long-enough-9876543210';

describe('workspace LLM settings sealed with another key', () => {
  // The environment has a provider of the same name: a sealed workspace key must not fall back to it.
  const ws = useWorkspaceWithFakeModel((fake) => ({
    OPENAI_COMPATIBLE_BASE_URL: fake.baseUrl,
    LLM_MODEL: 'compatible:env-model',
  }));

  const query = <R>(sql: string, params: unknown[] = []) =>
    ws.t.runtime.database.query<R>(sql, params).then((r) => r.rows);
  const storedCredentials = async () =>
    (
      await query<{ c: Record<string, Record<string, string>> }>(
        'SELECT credentials AS c FROM workspace_llm_settings WHERE workspace_id = $1',
        [ws.workspaceId],
      )
    )[0]!.c;
  const settings = (method: 'GET' | 'PUT', payload?: Record<string, unknown>) =>
    ws.t.app.inject({
      method,
      url: '/api/v1/llm/settings',
      headers: session(ws.cookie),
      ...(payload ? { payload } : {}),
    });

  it('shows, keeps and replaces what it cannot open, and calls fail with the reason meanwhile', async () => {
    const saved = await settings('PUT', {
      credentials: { compatible: { baseUrl: ws.fake.baseUrl, apiKey: 'sk-workspace-secret' } },
      roleModels: { writer: 'compatible:ws-model' },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    // As a restore without the secret key leaves it: values another key sealed.
    const sealed = {
      compatible: {
        apiKey: encryptSecret('sk-workspace-secret', anotherKey),
        baseUrl: encryptSecret(ws.fake.baseUrl, anotherKey),
      },
    };
    await query('UPDATE workspace_llm_settings SET credentials = $2::jsonb WHERE workspace_id = $1', [
      ws.workspaceId,
      JSON.stringify(sealed),
    ]);
    ws.t.runtime.llm.invalidateWorkspace(ws.workspaceId);

    const read = await settings('GET');
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().credentials.compatible).toEqual({
      apiKeySet: false,
      baseUrl: null,
      unreadable: ['apiKey', 'baseUrl'],
    });
    const requests = ws.fake.requests.length;
    await expect(ws.write()).rejects.toThrow(/sealed with another SECRET_KEY/);
    expect(ws.fake.requests.length).toBe(requests);

    // A change elsewhere keeps the sealed values as they were stored (the original key may come back).
    // The model gets a price with the budget: a budget refuses text models it cannot count.
    const budget = await settings('PUT', {
      monthlyBudgetUsd: 25,
      modelPrices: { 'compatible:ws-model': { input: 0, output: 0 } },
    });
    expect(budget.statusCode, budget.body).toBe(200);
    expect(await storedCredentials()).toEqual(sealed);

    // Entering them again replaces them, and the calls go to the workspace's server.
    const again = await settings('PUT', {
      credentials: { compatible: { baseUrl: ws.fake.baseUrl, apiKey: 'sk-entered-again' } },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().credentials.compatible).toEqual({
      apiKeySet: true,
      baseUrl: ws.fake.baseUrl,
      unreadable: [],
    });
    ws.fake.script({ type: 'answer', text: 'from the workspace server' });
    expect(await ws.write()).toMatchObject({ text: 'from the workspace server', model: 'ws-model' });
    expect(ws.fake.requests.at(-1)!.headers.authorization).toBe('Bearer sk-entered-again');
  });

  it('reads a settings row of another shape as far as it can', async () => {
    await query(
      `UPDATE workspace_llm_settings SET credentials = '{"compatible": 5, "unknown": {"apiKey": "x"}}'::jsonb,
         role_models = '{"writer": 7, "planner": "compatible:plan-model", "painter": "x"}'::jsonb
       WHERE workspace_id = $1`,
      [ws.workspaceId],
    );
    ws.t.runtime.llm.invalidateWorkspace(ws.workspaceId);
    const read = await settings('GET');
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().credentials).toEqual({});
    expect(read.json().roleModels).toEqual({ planner: 'compatible:plan-model' });
    const cleared = await settings('PUT', { roleModels: { planner: null } });
    expect(cleared.statusCode, cleared.body).toBe(200);
  });

  it("leaves out a role's model of a provider this version does not know (every LLM page answered 500)", async () => {
    await query(
      `UPDATE workspace_llm_settings SET role_models = '{"writer": "mistral:large-latest", "planner": "compatible:plan-model"}'::jsonb
       WHERE workspace_id = $1`,
      [ws.workspaceId],
    );
    ws.t.runtime.llm.invalidateWorkspace(ws.workspaceId);
    const read = await settings('GET');
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().roleModels).toEqual({ planner: 'compatible:plan-model' });
    for (const url of ['/api/v1/llm/providers', '/api/v1/llm/prices']) {
      const res = await ws.t.app.inject({ method: 'GET', url, headers: session(ws.cookie) });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    }
    const budget = await settings('PUT', { monthlyBudgetUsd: 5 });
    expect(budget.statusCode, budget.body).toBe(200);
  });
});
