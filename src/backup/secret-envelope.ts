// The secret key travels in a backup only when asked, sealed with a passphrase (scrypt +
// AES-256-GCM): a stolen backup must not hand over every workspace's provider keys. Without it,
// the manifest still records a fingerprint so restore can say whether the current key fits.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, scryptSync } from 'node:crypto';

export interface SealedSecret {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

const cost = { N: 2 ** 15, r: 8, p: 1 };
const derive = (passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }) =>
  scryptSync(passphrase, salt, 32, { ...params, maxmem: 128 * params.N * params.r * 2 });

/** A short, non-reversible identifier of a secret key (HMAC, so it reveals nothing of the key). */
export function keyFingerprint(secretKey: string): string {
  return createHmac('sha256', secretKey)
    .update('blogsmith:backup:key-fingerprint')
    .digest('hex')
    .slice(0, 16);
}

export function sealSecret(secretKey: string, passphrase: string): SealedSecret {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(passphrase, salt, cost), iv);
  const data = Buffer.concat([cipher.update(secretKey, 'utf8'), cipher.final()]);
  return {
    kdf: 'scrypt',
    ...cost,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** Throws on a wrong passphrase or a tampered envelope (GCM authentication). */
export function openSecret(sealed: SealedSecret, passphrase: string): string {
  const key = derive(passphrase, Buffer.from(sealed.salt, 'base64'), sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString(
    'utf8',
  );
}
