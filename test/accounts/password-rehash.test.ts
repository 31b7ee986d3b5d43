// A password hashed with older scrypt parameters signs in as before and is re-hashed with today's
// parameters on that sign-in, transparently.
import { scryptSync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema/index.ts';
import { login, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('password re-hash on sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    await setupOwner(t.app, 'old@example.com', 'first-password');
  });
  afterAll(async () => t.close());

  it('accepts an old-parameter hash and upgrades it to N=2^17', async () => {
    // The format and parameters earlier versions stored (N=2^14).
    const salt = Buffer.from('fedcba9876543210');
    const key = scryptSync('legacy-password', salt, 32, { N: 16384, r: 8, p: 1 });
    const legacy = `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    const { db } = t.runtime.database;
    await db.update(users).set({ passwordHash: legacy }).where(eq(users.email, 'old@example.com'));

    await login(t.app, 'old@example.com', 'legacy-password');
    const [row] = await db.select().from(users).where(eq(users.email, 'old@example.com'));
    expect(row!.passwordHash).not.toBe(legacy);
    expect(row!.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
    // The upgraded hash works, and the password did not change.
    await login(t.app, 'old@example.com', 'legacy-password');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'old@example.com', password: 'first-password' },
    });
    expect(wrong.statusCode).toBe(401);
  });
});
