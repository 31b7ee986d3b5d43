import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/accounts/passwords.ts';
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
