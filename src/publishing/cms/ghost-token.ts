// Ghost's Admin API authenticates each request with a short-lived JWT made from the integration's
// Admin API key `id:secret`: HS256 over the hex-decoded secret, `kid` the key's id, audience
// `/admin/`, expiring within 5 minutes (Ghost refuses longer). node:crypto makes it; no JWT library.
import { createHmac } from 'node:crypto';

/** Ghost issues a 24-hex-character id and a 64-hex-character secret. */
const keyPattern = /^([0-9a-f]{24}):([0-9a-f]{64})$/i;

export const ghostKeyMessage =
  'Must be a Ghost Admin API key: 24 hex characters, a colon and 64 hex characters (Ghost Admin › Settings › Integrations)';

export function parseGhostKey(key: string): { id: string; secret: string } | undefined {
  const match = keyPattern.exec(key.trim());
  return match ? { id: match[1]!.toLowerCase(), secret: match[2]!.toLowerCase() } : undefined;
}

/** Ghost's own limit on a token's life. */
export const ghostTokenSeconds = 5 * 60;

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function ghostToken(key: string, now = Date.now()): string {
  const parsed = parseGhostKey(key);
  if (!parsed) throw new Error(ghostKeyMessage);
  const iat = Math.floor(now / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: parsed.id }));
  const payload = base64url(JSON.stringify({ iat, exp: iat + ghostTokenSeconds, aud: '/admin/' }));
  const signature = createHmac('sha256', Buffer.from(parsed.secret, 'hex'))
    .update(`${header}.${payload}`)
    .digest('base64url');
  return `${header}.${payload}.${signature}`;
}
