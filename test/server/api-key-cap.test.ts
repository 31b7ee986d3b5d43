// A member holds at most 100 usable API keys in a workspace: each is a way in to watch, and keys
// were made at will. Past them a new key is refused (409) until one is revoked or expires; other
// members are not held by one member's keys. On both databases.

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxApiKeysPerMember } from '../../src/accounts/api-key-store.ts';
import { apiKeys } from '../../src/db/schema/index.ts';
import { inviteMember, session, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

describe.each(backends)('API keys a member may hold (%s)', (backend) => {
  let t: TestApp;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp(backend, { RATE_LIMIT_ENABLED: 'false' });
    owner = (await setupOwner(t.app)).cookie;
  }, 60_000);
  afterAll(async () => t.close());

  const create = (cookie: string, name: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: session(cookie), payload: { name } });

  it('refuses the key past the bound, and takes one again once a key is revoked or expired', async () => {
    const ids: string[] = [];
    for (let i = 0; i < maxApiKeysPerMember; i++) {
      const res = await create(owner, `key ${i}`);
      expect(res.statusCode).toBe(201);
      ids.push(res.json().apiKey.id);
    }
    const refused = await create(owner, 'one too many');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/at most 100 usable API keys/);

    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${ids[0]}`,
      headers: session(owner),
    });
    expect(revoked.statusCode).toBe(204);
    expect((await create(owner, 'after a revocation')).statusCode).toBe(201);
    expect((await create(owner, 'full again')).statusCode).toBe(409);

    await t.runtime.database.db
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiKeys.id, ids[1]!));
    expect((await create(owner, 'after an expiry')).statusCode).toBe(201);

    // Another member's keys are their own.
    const editor = await inviteMember(t.app, owner, {
      email: 'ed@example.com',
      password: 'ed-password-1',
      role: 'editor',
    });
    expect((await create(editor.cookie, 'editor key')).statusCode).toBe(201);
  }, 60_000);
});
