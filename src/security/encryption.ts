// Secrets at rest (provider API keys, webhook secrets): AES-256-GCM with a key derived from
// SECRET_KEY by HKDF. Tokens are versioned so the scheme can change without a flag day.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const info = Buffer.from('blogsmith:secrets:v1');

function deriveKey(secret: string) {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret), Buffer.alloc(0), info, 32));
}

export function encryptSecret(plaintext: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${body.toString('base64url')}`;
}

export function decryptSecret(token: string, secret: string): string {
  const [version, iv, tag, body] = token.split(':');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unrecognised secret format');
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(secret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
