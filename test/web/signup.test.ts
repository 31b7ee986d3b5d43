// Self-service sign-up in Chromium, on a server that takes it (SIGNUP_ENABLED=true): the sign-in page
// offers "Create an account"; the API's refusals land at their fields; the server's answer (202, the
// same for a taken address) brings the writer back to sign-in with the address filled in and focus
// on the password; signing in opens their own workspace. Desktop and phone widths, axe.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overflowsHorizontally, owner, startWebHarness, type WebHarness } from './harness.ts';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });

const newcomer = {
  email: 'newcomer@example.com',
  password: 'a-newcomer-password',
  workspace: 'Newcomer Notes',
};

describe('sign-up in Chromium', () => {
  let h: WebHarness;

  beforeAll(async () => {
    h = await startWebHarness({ SIGNUP_ENABLED: 'true' });
    // Past first run: the owner exists, so the signed-out page is sign-in.
    const setup = await fetch(`${h.server.base}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(owner),
    });
    expect(setup.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('name'));

  it('creates an account from the sign-in page, then signs in to its own workspace', async () => {
    const context = await h.newContext({ width: 1280, height: 860 });
    try {
      const page = await context.newPage();
      await page.goto('/');
      await page.getByRole('heading', { level: 1, name: 'Sign in to Blogsmith' }).waitFor();
      await h.capture(page, 'signup-01-sign-in-offers-it');
      await page.getByRole('button', { name: 'Create an account' }).click();
      await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
      expect(await page.title()).toBe('Create an account · Blogsmith');
      // The button that opened the form is gone: focus is on its first field.
      await poll(() => focusedName(page)).toBe('name');

      // The API's refusals, at their fields.
      await page.getByLabel('Email').fill('not-an-email');
      await page.getByLabel('Password').fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await poll(() => page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
      await h.capture(page, 'signup-02-refused');

      await page.getByLabel('Email').fill(newcomer.email);
      await page.getByLabel('Password').fill(newcomer.password);
      await page.getByLabel('Workspace name (optional)').fill(newcomer.workspace);
      await page.getByRole('button', { name: 'Create account' }).click();

      // Back at sign-in with the server's message, the address kept, the password to type.
      await page.getByRole('heading', { level: 1, name: 'Sign in to Blogsmith' }).waitFor();
      await page.getByText('Thank you. Sign in with this email and password to continue.').waitFor();
      expect(await page.getByLabel('Email').inputValue()).toBe(newcomer.email);
      await poll(() => focusedName(page)).toBe('password');
      await h.capture(page, 'signup-03-sign-in-next');

      await page.getByLabel('Password').fill(newcomer.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      expect(await page.getByTestId('workspace-name').textContent()).toBe(newcomer.workspace);
      const me = await (await context.request.get('/api/v1/me')).json();
      expect(me.user.email).toBe(newcomer.email);
      expect(me.workspace.role).toBe('owner');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('goes back to sign-in without creating anything, and fits a phone screen', async () => {
    const phone = await h.newContext({ width: 375, height: 812, mobile: true });
    try {
      const page = await phone.newPage();
      await page.goto('/');
      await page.getByRole('button', { name: 'Create an account' }).click();
      await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
      expect(await overflowsHorizontally(page)).toBe(false);
      await h.capture(page, 'signup-04-phone');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in to Blogsmith' }).waitFor();
      await poll(() => focusedName(page)).toBe('email');
    } finally {
      await phone.close();
    }
  }, 60_000);

  it('had no serious accessibility violations and no console errors', () => {
    expect(h.accessibility).toEqual([]);
    expect(h.problems).toEqual([]);
  });
});
