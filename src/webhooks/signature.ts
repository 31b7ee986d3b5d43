// Signing by the Standard Webhooks scheme (https://www.standardwebhooks.com): the secret is
// `whsec_` + base64 of random bytes, and each attempt carries `webhook-id`, `webhook-timestamp` and
// `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" keyed by the secret's
// bytes>`. node:crypto does it in a few lines; the `standardwebhooks` package checks it in the tests,
// as a receiver would.
import { createHmac, randomBytes } from 'node:crypto';

const prefix = 'whsec_';

/** A new signing secret, shown to the member once (on create and on rotate). */
export const newWebhookSecret = (): string => `${prefix}${randomBytes(32).toString('base64')}`;

/** The HMAC key a secret stands for: its base64 part, decoded. */
const keyOf = (secret: string) =>
  Buffer.from(secret.startsWith(prefix) ? secret.slice(prefix.length) : secret, 'base64');

/** `v1,<signature>` of one attempt. */
export function signatureOf(
  secret: string,
  messageId: string,
  timestampSeconds: number,
  body: string,
): string {
  const mac = createHmac('sha256', keyOf(secret))
    .update(`${messageId}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** Every header of one attempt (the timestamp is the attempt's, the id the message's). */
export function deliveryHeaders(
  secret: string,
  messageId: string,
  body: string,
  now = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Blogsmith-Webhooks/1',
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureOf(secret, messageId, timestamp, body),
  };
}
