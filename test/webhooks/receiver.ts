// Checking a delivery as a receiver would, by the Standard Webhooks rules, computed here on its own
// (signature.test.ts pins the scheme to the specification's published example).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Received } from '../research/local-server.ts';

/** Throws unless `received` carries a valid signature of its body by `secret`, made within 5 minutes. */
export function verifyDelivery(secret: string, received: Received): unknown {
  const id = String(received.headers['webhook-id']);
  const timestamp = Number(received.headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - timestamp) > 300) throw new Error('timestamp too far from now');
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${received.body}`).digest();
  const signatures = String(received.headers['webhook-signature']).split(' ');
  const valid = signatures.some((s) => {
    const [version, mac] = s.split(',');
    const given = Buffer.from(mac ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!valid) throw new Error('no valid signature');
  return JSON.parse(received.body);
}
