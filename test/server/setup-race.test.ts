// First-run setup creates exactly one owner, even when many requests race for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countUsers } from '../../src/accounts/users.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { backends } from '../support/database.ts';

describe.each(backends)('parallel first-run setup (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => t.close());

  it('answers 201 to exactly one of 10 parallel POST /setup and 409 to the others', async () => {
    // From ten addresses: more than four password hashes waiting from one address are refused
    // before they could race (passwords.ts).
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/setup',
          payload: { email: `owner${i}@example.com`, password: 'a-long-password' },
          remoteAddress: `10.0.0.${i + 1}`,
        }),
      ),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    for (const a of answers.filter((x) => x.statusCode === 409)) expect(a.json().error.code).toBe('conflict');
    expect(await countUsers(t.runtime.database)).toBe(1);
  });
});
