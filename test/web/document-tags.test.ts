// A document's tags on the Knowledge page in Chromium: each document shows its tags; an editor
// edits them in place (one comma-separated field, folded by the server: case and repeats), sees the
// server's refusal at the field (more than 20, one longer than 50 characters) and can cancel; a
// viewer sees the tags without the control. Desktop and phone widths, axe, no console errors.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedOwner } from './connected-owner.ts';
import { invitedMember, overflowsHorizontally, signIn, startWebHarness, type WebHarness } from './harness.ts';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });

describe('document tags on the Knowledge page', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;
  let doc: { id: string; title: string };
  const origin = () => ({ origin: h.server.base });

  beforeAll(async () => {
    h = await startWebHarness();
    context = await h.newContext();
    await connectedOwner(h, context);
    const uploaded = await context.request.post('/api/v1/documents', {
      headers: origin(),
      multipart: {
        file: {
          name: 'battery-notes.md',
          mimeType: 'text/markdown',
          buffer: Buffer.from(
            '# Battery notes\n\nBattery storage shifts solar output into the evening peak.\n',
          ),
        },
        tags: 'Solar, Storage',
      },
    });
    expect(uploaded.status(), await uploaded.text()).toBe(202);
    doc = await uploaded.json();
    page = await context.newPage();
    await page.goto('/knowledge');
    await page.getByRole('heading', { level: 1, name: 'Knowledge' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const row = (p = page) => p.locator(`tr[data-document="${doc.id}"]`);
  const shownTags = (p = page) =>
    row(p)
      .getByRole('list', { name: `Tags of ${doc.title}` })
      .locator('li')
      .allTextContents();
  const storedTags = async () =>
    (await (await context.request.get(`/api/v1/documents/${doc.id}`)).json()).tags;
  const editButton = () => row().getByRole('button', { name: `Edit tags of ${doc.title}` });
  const form = () => row().getByRole('form', { name: `Tags of ${doc.title}` });
  const field = () => form().getByLabel('Tags, separated by commas');

  it('shows the tags; an editor replaces them in place, folded by the server', async () => {
    await poll(() => shownTags()).toEqual(['solar', 'storage']);
    await editButton().click();
    expect(await field().inputValue()).toBe('solar, storage');
    expect(await field().evaluate((el) => el === document.activeElement)).toBe(true);
    await field().fill('Solar, storage, Evening Peak, SOLAR, ');
    await form().getByRole('button', { name: 'Save tags' }).click();
    await poll(() => shownTags()).toEqual(['solar', 'storage', 'evening peak']);
    expect(await form().count()).toBe(0);
    // Focus goes back to the button that opened the field.
    expect(await editButton().evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await storedTags()).toEqual(['solar', 'storage', 'evening peak']);
    await h.capture(page, 'document-tags-01-saved');
  }, 60_000);

  it("says at the field what the server refuses, and Cancel keeps the document's tags", async () => {
    await editButton().click();
    await field().fill(Array.from({ length: 21 }, (_, i) => `tag ${i + 1}`).join(', '));
    await form().getByRole('button', { name: 'Save tags' }).click();
    await poll(() => field().getAttribute('aria-invalid')).toBe('true');
    const errorOf = async () => {
      const ids = ((await field().getAttribute('aria-describedby')) ?? '').split(' ');
      return page.locator(`[id="${ids.at(-1)}"]`).textContent();
    };
    expect(await errorOf()).toMatch(/20/);
    await h.capture(page, 'document-tags-02-too-many');

    const long = 'x'.repeat(51);
    await field().fill(`fine, ${long}`);
    await form().getByRole('button', { name: 'Save tags' }).click();
    await poll(errorOf).toContain(`“${long}”`);
    expect(await errorOf()).toMatch(/50/);

    await form().getByRole('button', { name: 'Cancel' }).click();
    expect(await form().count()).toBe(0);
    expect(await shownTags()).toEqual(['solar', 'storage', 'evening peak']);
    expect(await storedTags()).toEqual(['solar', 'storage', 'evening peak']);
  }, 60_000);

  it('fits a phone screen with the tags and their field', async () => {
    const phone = await h.newContext({ width: 375, height: 812, mobile: true });
    try {
      await phone.addCookies(await context.cookies());
      const p = await phone.newPage();
      await p.goto('/knowledge');
      await poll(() => shownTags(p)).toEqual(['solar', 'storage', 'evening peak']);
      expect(await overflowsHorizontally(p)).toBe(false);
      await row(p)
        .getByRole('button', { name: `Edit tags of ${doc.title}` })
        .click();
      await row(p).getByLabel('Tags, separated by commas').waitFor();
      expect(await overflowsHorizontally(p)).toBe(false);
      await h.capture(p, 'document-tags-03-phone');
    } finally {
      await phone.close();
    }
  }, 60_000);

  it('shows a viewer the tags without the means to change them', async () => {
    await invitedMember(h, context, {
      email: 'reader@example.com',
      password: 'a-reader-password',
      role: 'viewer',
    });
    const other = await h.newContext();
    try {
      const p = await other.newPage();
      await signIn(p, { email: 'reader@example.com', password: 'a-reader-password' });
      await p.goto('/knowledge');
      await poll(() => shownTags(p)).toEqual(['solar', 'storage', 'evening peak']);
      expect(await row(p).getByRole('button', { name: /tags/i }).count()).toBe(0);
      // Nor the upload or delete the API would refuse them.
      expect(
        await row(p)
          .getByRole('button', { name: /^Delete / })
          .count(),
      ).toBe(0);
      expect(await p.getByText('Choose files to upload').count()).toBe(0);
      await p.getByText('Your role (viewer) can read and search these documents').waitFor();
      await h.capture(p, 'document-tags-04-viewer');
    } finally {
      await other.close();
    }
  }, 60_000);

  it('had no console errors and no serious accessibility violations', () => {
    expect(h.problems).toEqual([]);
    expect(h.accessibility).toEqual([]);
  });
});
