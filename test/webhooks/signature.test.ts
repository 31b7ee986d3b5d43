import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { deliveryHeaders, newWebhookSecret, signatureOf } from '../../src/webhooks/signature.ts';
import { verifyDelivery } from './receiver.ts';

describe('webhook signatures', () => {
  it('signs as the Standard Webhooks specification’s example does', () => {
    // The example of the specification and its libraries (also what `standardwebhooks` 1.3.0 signs).
    expect(
      signatureOf(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('makes whsec_ secrets of 32 random bytes, different each time', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it('sends the id, this attempt’s timestamp and a signature a receiver verifies', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({
      type: 'webhook.test',
      timestamp: '2026-01-01T00:00:00.000Z',
      data: { é: '✓' },
    });
    const headers = deliveryHeaders(secret, 'd2f1c0a4-0000-4000-8000-000000000000', body);
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Blogsmith-Webhooks/1',
      'webhook-id': 'd2f1c0a4-0000-4000-8000-000000000000',
    });
    expect(Number(headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    const received = { headers, body } as unknown as Parameters<typeof verifyDelivery>[1];
    expect(verifyDelivery(secret, received)).toEqual(JSON.parse(body));
    expect(() => verifyDelivery(secret, { ...received, body: `${body} ` })).toThrow('no valid signature');
    expect(() => verifyDelivery(newWebhookSecret(), received)).toThrow('no valid signature');
  });

  it('is verified by the Standard Webhooks reference library, as a receiver would', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: 'article.completed', timestamp: new Date().toISOString(), data: {} });
    const headers = deliveryHeaders(secret, 'd2f1c0a4-0000-4000-8000-000000000001', body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('{}', '{"x":1}'), headers)).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });
});
