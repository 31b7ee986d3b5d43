// Settings in Chromium (issue 14, item 8 and the invitation leftovers): sections with their own
// navigation, the workspace's name shown, feedback inside the form that caused it, inviting a member
// (no password asked: an invitation with a success message), pending invitations listed and
// cancelled. Desktop and phone widths, axe.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overflowsHorizontally, owner, signIn, startWebHarness, type WebHarness } from './harness.ts';

const poll = <T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}) =>
  expect.poll(fn, { timeout: 10_000, ...options });

describe('settings in Chromium', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    h = await startWebHarness();
    const setup = await fetch(`${h.server.base}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...owner, workspaceName: 'Harbour Press' }),
    });
    expect(setup.status).toBe(201);
    context = await h.newContext({ width: 1280, height: 800 });
    page = await context.newPage();
    await signIn(page);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('shows sections with a navigation, the workspace name, and inputs no wider than they need', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Settings sections' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Workspace',
      'Language models',
      'Brand voices',
      'API keys',
      'Members',
      'Publishing',
      'Webhooks',
      'Your account',
    ]);
    const workspace = page.getByRole('region', { name: 'Workspace' });
    expect(await workspace.textContent()).toContain('Harbour Press');
    expect(await workspace.textContent()).toContain(owner.email);
    // What the workspace stores against WORKSPACE_STORAGE_MB (2048 by default).
    await workspace.getByText(/ of 2\.0 GB$/).waitFor();

    await nav.getByRole('link', { name: 'Members' }).click();
    await page.waitForURL(/#members$/);
    const members = page.getByRole('region', { name: 'Members' });
    // The link scrolled the page to the section (the last one: as far as the page goes).
    await poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    const top = await members.evaluate((el) => el.getBoundingClientRect().top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(800);

    // No stretched columns: the invite email field is not as wide as the section.
    const email = members.getByRole('textbox', { name: 'Email' });
    const widths = await email.evaluate((el) => ({
      input: el.getBoundingClientRect().width,
      section: el.closest('section')!.getBoundingClientRect().width,
    }));
    expect(widths.input).toBeLessThan(widths.section * 0.7);
    // Optional fields say so; required ones are plain.
    expect(await page.getByRole('group', { name: 'Scopes (optional)' }).count()).toBe(1);
    await h.capture(page, 'settings-01-sections');
  }, 60_000);

  it('invites without a password: a success message and the link, the invitation pending until cancelled', async () => {
    const members = page.getByRole('region', { name: 'Members' });
    // A server refusal shows inside the invite form, at its field.
    await members.getByRole('textbox', { name: 'Email' }).fill('not-an-email');
    await members.getByRole('button', { name: 'Invite member' }).click();
    const email = members.getByRole('textbox', { name: 'Email' });
    await poll(() => email.getAttribute('aria-invalid')).toBe('true');

    await email.fill('newcomer@example.com');
    await members.getByRole('button', { name: 'Invite member' }).click();
    await members
      .getByText('Invitation created for newcomer@example.com. They join as soon as they accept it.')
      .waitFor();
    const link = members.getByLabel('Invitation link for newcomer@example.com');
    expect(await link.inputValue()).toMatch(/\/invite\/[\w-]+\.[\w-]+$/);
    expect(await members.textContent()).not.toMatch(/required to create/i);

    const pending = members.getByRole('list', { name: 'Pending invitations' });
    await poll(() => pending.textContent()).toContain('newcomer@example.com');
    expect(await pending.textContent()).toContain('editor');
    await h.capture(page, 'settings-02-invited');

    page.once('dialog', (d) => void d.accept());
    await members.getByRole('button', { name: 'Cancel invitation for newcomer@example.com' }).click();
    await members.getByText('The invitation for newcomer@example.com was cancelled.').waitFor();
    expect(await pending.count()).toBe(0);

    // The cancelled link no longer works.
    const token = (await link.inputValue()).split('/invite/')[1]!;
    const res = await fetch(`${h.server.base}/api/v1/invitations/${token}`);
    expect(res.status).toBe(404);
    await h.capture(page, 'settings-03-cancelled');
  }, 60_000);

  it('shows more members on request, and changes and removes one without losing the pages shown', async () => {
    // A member who accepted an invitation (made and accepted over HTTP, as the invitee would).
    const invited = await page.request.post('/api/v1/members', {
      data: { email: 'colleague@example.com', role: 'viewer' },
      headers: { origin: h.server.base },
    });
    expect(invited.status()).toBe(201);
    const { token } = (await invited.json()) as { token: string };
    const accepted = await fetch(`${h.server.base}/api/v1/invitations/${token}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'a-colleague-password' }),
    });
    expect(accepted.status).toBe(200);

    // The page asks for 100 members at a time; one at a time here, so that two members make two
    // pages (the server pages; only the first request's size is changed).
    await page.route(/\/api\/v1\/members\?limit=100$/, (route) =>
      route.continue({ url: route.request().url().replace('limit=100', 'limit=1') }),
    );
    await page.goto('/settings#members');
    await page.reload(); // the page may be on /settings already: load its members again
    const members = page.getByRole('region', { name: 'Members' });
    const list = members.getByRole('list', { name: 'Members' });
    await poll(() => list.getByRole('listitem').count()).toBe(1);
    expect(await list.textContent()).toContain(owner.email);
    await members.getByRole('button', { name: 'Load more' }).click();
    await poll(() => list.getByRole('listitem').count()).toBe(2);
    expect(await list.textContent()).toContain('colleague@example.com');
    expect(await members.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    await page.unroute(/\/api\/v1\/members\?limit=100$/);

    await members.getByRole('combobox', { name: 'Role of colleague@example.com' }).selectOption('editor');
    await members.getByText('colleague@example.com is now editor.').waitFor();
    expect(await list.getByRole('listitem').count()).toBe(2);
    const listed = await page.request.get('/api/v1/members');
    const roles = ((await listed.json()) as { items: Array<{ email: string; role: string }> }).items;
    expect(roles.find((m) => m.email === 'colleague@example.com')?.role).toBe('editor');

    page.once('dialog', (d) => void d.accept());
    await members.getByRole('button', { name: 'Remove colleague@example.com' }).click();
    await members.getByText('colleague@example.com was removed from this workspace.').waitFor();
    await poll(() => list.getByRole('listitem').count()).toBe(1);
    expect(await list.textContent()).toContain(owner.email);
  }, 60_000);

  it('fits a phone screen', async () => {
    const phone = await h.newContext({ width: 375, height: 812, mobile: true });
    try {
      const p = await phone.newPage();
      await signIn(p);
      await p.goto('/settings');
      await p.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      await p.getByRole('region', { name: 'Members' }).waitFor();
      expect(await overflowsHorizontally(p)).toBe(false);
      await h.capture(p, 'settings-04-mobile');
    } finally {
      await phone.close();
    }
  }, 60_000);

  it("lists where you're signed in under Your account and ends another session", async () => {
    const elsewhere = await fetch(`${h.server.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0',
      },
      body: JSON.stringify({ email: owner.email, password: owner.password }),
    });
    expect(elsewhere.status).toBe(200);
    const elsewhereCookie = String(elsewhere.headers.get('set-cookie')).split(';')[0]!;

    // Read afresh: the page already on /settings listed the sessions before this sign-in.
    await page.goto('/settings#account');
    await page.reload();
    const account = page.getByRole('region', { name: 'Your account' });
    const list = account.getByRole('list', { name: "Where you're signed in" });
    await list.getByText('Chrome on Linux').first().waitFor();
    await list.getByText('(this browser)').waitFor();
    const firefox = list.getByRole('listitem').filter({ hasText: 'Firefox on Linux' });
    await firefox.waitFor();
    expect(await firefox.textContent()).toContain('Harbour Press');
    await h.capture(page, 'settings-05-sign-ins');

    await firefox.getByRole('button', { name: /^End session: Firefox on Linux/ }).click();
    await poll(() => firefox.count()).toBe(0);
    const after = await fetch(`${h.server.base}/api/v1/me`, { headers: { cookie: elsewhereCookie } });
    expect(after.status).toBe(401);
  }, 60_000);

  it('changes the password under Your account (the other sessions end), then signs out everywhere', async () => {
    const other = await h.newContext({ width: 1280, height: 800 });
    try {
      const p = await other.newPage();
      await signIn(p);
      await p.goto('/settings#account');
      const account = p.getByRole('region', { name: 'Your account' });
      await account.getByLabel('Current password').fill('not-the-password');
      await account.getByLabel('New password').fill('a-new-owner-password');
      await account.getByRole('button', { name: 'Change password' }).click();
      await account.getByText('is not your current password').waitFor();

      await account.getByLabel('Current password').fill(owner.password);
      await account.getByRole('button', { name: 'Change password' }).click();
      await account.getByText(/^Password changed\. \d+ other sessions? (was|were) signed out\.$/).waitFor();
      expect(await account.getByLabel('Current password').inputValue()).toBe('');
      await h.capture(p, 'settings-06-account');
      // The first page's session is one of those: its next request finds it signed out.
      const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
      expect(me).toBe(401);

      p.once('dialog', (d) => void d.accept());
      await account.getByRole('button', { name: 'Sign out everywhere' }).click();
      await p.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await p.evaluate(async () => (await fetch('/api/v1/me')).status)).toBe(401);
      await signIn(p, { email: owner.email, password: 'a-new-owner-password' });
    } finally {
      await other.close();
    }
  }, 60_000);

  it('has no serious accessibility violations and no console errors', () => {
    expect(h.accessibility).toEqual([]);
    expect(h.problems).toEqual([]);
  });
});
