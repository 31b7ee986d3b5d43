// Settings › Webhooks in Chromium, against a real receiver on this machine: a private address
// refused at its field, an endpoint added with its secret shown once, a test event delivered and
// signed with that secret, the delivery log and a redelivery with the same webhook-id, disable,
// rotate, delete; an editor sees no Webhooks section. Axe and no console errors.
import type { BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startServer } from '../research/local-server.ts';
import { invitedMember, owner, signIn, startWebHarness, type WebHarness } from './harness.ts';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

describe('webhooks in Chromium', () => {
  let h: WebHarness;
  let receiver: LocalServer;
  let context: BrowserContext;
  let page: Page;
  let hookUrl: string;

  beforeAll(async () => {
    receiver = await startServer({
      '/hooks/blogsmith': (_req, res) => res.writeHead(204).end(),
    });
    hookUrl = `${receiver.url}/hooks/blogsmith`;
    // The operator lets webhooks reach this machine's receiver; other private addresses stay refused.
    h = await startWebHarness({ FETCH_ALLOW_HOSTS: '127.0.0.1' });
    const setup = await fetch(`${h.server.base}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...owner, workspaceName: 'Harbour Press' }),
    });
    expect(setup.status).toBe(201);
    context = await h.newContext({ width: 1280, height: 900 });
    page = await context.newPage();
    await signIn(page);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
  });

  const section = () => page.getByRole('region', { name: 'Webhooks' });
  const hooks = () => section().getByRole('list', { name: 'Webhooks' });

  it('refuses a private address at its field, then adds an endpoint and shows its secret once', async () => {
    await page.goto('/settings#webhooks');
    const form = section();
    await form.getByLabel('Endpoint URL').fill('http://10.1.2.3/hook');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await form
      .locator('.field.has-error')
      .getByText(/private|not allowed|refused|blocked/i)
      .waitFor();

    await form.getByLabel('Endpoint URL').fill(hookUrl);
    await form.getByLabel('Description (optional)').fill('Site rebuild');
    await form.getByRole('checkbox', { name: /document\.failed/ }).uncheck();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const secret = await form.getByLabel(`Signing secret for ${hookUrl}`).inputValue();
    expect(secret).toMatch(/^whsec_/);
    const item = hooks().getByRole('listitem').filter({ hasText: hookUrl });
    expect(await item.textContent()).toContain('article.completed, article.failed, document.ready');
    await h.capture(page, 'webhooks-01-added');

    // The secret is not in the list the API answers.
    const listed = await page.evaluate(async () => (await fetch('/api/v1/webhooks')).text());
    expect(listed).not.toContain(secret);
    await form.getByRole('button', { name: 'Done' }).click();
    expect(await form.getByLabel(`Signing secret for ${hookUrl}`).count()).toBe(0);

    // A test event arrives signed with that secret; the log says it was delivered.
    await item.getByRole('button', { name: 'Send a test event to Site rebuild' }).click();
    await poll(() => receiver.received.length).toBe(1);
    const first = receiver.received[0]!;
    const payload = new Webhook(secret).verify(first.body, first.headers as Record<string, string>);
    expect(payload).toMatchObject({ type: 'webhook.test' });
    const log = item.getByRole('list', { name: 'Deliveries of Site rebuild' });
    await poll(async () => {
      await item.getByRole('button', { name: 'Refresh deliveries of Site rebuild' }).click();
      return log.locator('li[data-status="succeeded"]').count();
    }).toBe(1);
    expect(await log.textContent()).toContain('HTTP 204');
    await h.capture(page, 'webhooks-02-delivered');

    // Sent again: a new delivery with the same webhook-id, so a receiver can tell it is a repeat.
    await log.getByRole('button', { name: /^Redeliver webhook\.test/ }).click();
    await poll(() => receiver.received.length).toBe(2);
    expect(receiver.received[1]!.headers['webhook-id']).toBe(first.headers['webhook-id']);
  }, 60_000);

  it('disables, rotates the secret of and deletes an endpoint', async () => {
    const item = hooks().getByRole('listitem').filter({ hasText: hookUrl });
    await item.getByRole('button', { name: 'Disable Site rebuild' }).click();
    await item.getByText('disabled', { exact: false }).first().waitFor();
    expect(await item.getByRole('button', { name: 'Send a test event to Site rebuild' }).isDisabled()).toBe(
      true,
    );
    await item.getByRole('button', { name: 'Enable Site rebuild' }).click();
    await item.getByRole('button', { name: 'Disable Site rebuild' }).waitFor();

    page.once('dialog', (d) => void d.accept());
    await item.getByRole('button', { name: 'Rotate secret of Site rebuild' }).click();
    const rotated = await section().getByLabel(`Signing secret for ${hookUrl}`).inputValue();
    expect(rotated).toMatch(/^whsec_/);
    await section().getByRole('button', { name: 'Done' }).click();

    page.once('dialog', (d) => void d.accept());
    await item.getByRole('button', { name: 'Delete the webhook Site rebuild' }).click();
    await section().getByText('No webhooks yet.').waitFor();
    const left = await page.evaluate(async () => (await (await fetch('/api/v1/webhooks')).json()).items);
    expect(left).toEqual([]);
  }, 60_000);

  it('shows an editor no Webhooks section (receiver URLs are admin business)', async () => {
    await invitedMember(h, context, {
      email: 'writer@example.com',
      password: 'a-writer-password',
      role: 'editor',
    });
    const other = await h.newContext();
    try {
      const p = await other.newPage();
      await signIn(p, { email: 'writer@example.com', password: 'a-writer-password' });
      await p.goto('/settings');
      await p.getByRole('region', { name: 'Brand voices' }).waitFor();
      expect(await p.getByRole('region', { name: 'Webhooks' }).count()).toBe(0);
      expect(await p.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
    } finally {
      await other.close();
    }
  }, 60_000);

  it('has no serious accessibility violations and no console errors', () => {
    expect(h.accessibility).toEqual([]);
    expect(h.problems).toEqual([]);
  });
});
