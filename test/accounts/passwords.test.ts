import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cheaperThanToday,
  hashesAtOnce,
  hashPassword,
  maxWaitingHashes,
  needsRehash,
  verifyPassword,
} from '../../src/accounts/passwords.ts';
import { decryptSecret, encryptSecret } from '../../src/security/encryption.ts';

describe('passwords', () => {
  it('hashes with a salt and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$/);
    expect(a).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterz', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('takes a password typed in another Unicode form as the same password', async () => {
    const composed = 'pässwörd-123'.normalize('NFC');
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const stored = await hashPassword(composed);
    expect(stored).toMatch(/\$nfkc$/);
    expect(await verifyPassword(decomposed, stored)).toBe(true);
    expect(await verifyPassword(composed, stored)).toBe(true);
    expect(await verifyPassword('passwords-123', stored)).toBe(false);
  });

  it('verifies a hash made before passwords were normalised as the password was sent, and re-hashes it', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const sent = 'pässwörd-123'.normalize('NFD');
    const key = scryptSync(sent, salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 2 * 128 * 2 ** 17 * 8 });
    const legacy = `scrypt$${2 ** 17}$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifyPassword(sent, legacy)).toBe(true);
    expect(needsRehash(legacy)).toBe(true);
    // Today's parameters: checking it costs what making a hash does (sign-up times both the same).
    expect(cheaperThanToday(legacy)).toBe(false);
    expect(await verifyPassword('x', `${legacy}$other`)).toBe(false);
  });

  it("uses at least OWASP's scrypt parameters (N=2^17, r=8, p=1)", async () => {
    const [, n, r, p] = (await hashPassword('correct horse battery')).split('$');
    expect(Number(n)).toBeGreaterThanOrEqual(2 ** 17);
    expect(Number(r)).toBeGreaterThanOrEqual(8);
    expect(Number(p)).toBeGreaterThanOrEqual(1);
  });

  it('still verifies hashes made with older parameters and flags them for re-hashing', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('old password', salt, 32, { N: 16384, r: 8, p: 1 });
    const old = `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifyPassword('old password', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(cheaperThanToday(old)).toBe(true);
    expect(needsRehash(await hashPassword('new password'))).toBe(false);
    // Absurd parameters in a stored hash are refused rather than computed.
    expect(
      await verifyPassword(
        'x',
        `scrypt$${2 ** 30}$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`,
      ),
    ).toBe(false);
  });

  it('hashes a few at a time; waiting ones take turns across who asks, and one asker cannot pile up more', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('pw', salt, 32, { N: 16384, r: 8, p: 1 });
    const stored = `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    const done: string[] = [];
    const check = (asker: string, n: number) =>
      verifyPassword('pw', stored, asker).then(
        (ok) => {
          expect(ok).toBe(true);
          done.push(`${asker}#${n}`);
        },
        (err: unknown) => {
          done.push(`${asker}#${n} refused`);
          return err;
        },
      );
    // One client asks for as many as may run and wait, and one more; then another client asks.
    const pile = hashesAtOnce + maxWaitingHashes.perAsker;
    const checks = Array.from({ length: pile + 1 }, (_, n) => check('one', n));
    checks.push(check('other', 0));
    const refused = await checks[pile];
    expect(refused).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 5 });
    await Promise.all(checks);
    // The other client's check ran before the pile's last two (first come first served: after all).
    expect(done.indexOf('other#0')).toBeLessThan(done.indexOf(`one#${pile - 2}`));
    expect(done.filter((d) => d.endsWith('refused'))).toEqual([`one#${pile} refused`]);
  });
});

describe('secret encryption', () => {
  const key = 'k'.repeat(40);
  it('round-trips and never contains the plaintext', () => {
    const token = encryptSecret('sk-live-123456', key);
    expect(token.startsWith('v1:')).toBe(true);
    expect(token).not.toContain('sk-live');
    expect(decryptSecret(token, key)).toBe('sk-live-123456');
  });
  it('refuses a wrong key or a tampered token', () => {
    const token = encryptSecret('secret', key);
    expect(() => decryptSecret(token, 'z'.repeat(40))).toThrow();
    const parts = token.split(':');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => decryptSecret(parts.join(':'), key)).toThrow();
  });
});
