// Two people editing one article in Chromium: unsaved edits survive a favorite (which once wiped
// them, and later loaded a colleague's save over them), and a save made on a text someone else has
// replaced since is not silently written over theirs — the editor asks, and either choice loses
// nothing (the replaced text is in Versions); a restore over unsaved edits says they are lost, and a
// session that ends keeps them under the sign-in.
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithArticle } from './connected-owner.ts';
import { owner, type WebHarness } from './harness.ts';

describe('editing an article someone else is editing', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;
  let articleId = '';
  const stored = async () =>
    (await (await context.request.get(`/api/v1/articles/${articleId}`)).json()) as {
      markdown: string;
    };
  // The other editor: the API, on the text as stored now.
  const theyAppend = async (line: string) => {
    const res = await context.request.patch(`/api/v1/articles/${articleId}`, {
      headers: { origin: h.server.base },
      data: { markdown: `${(await stored()).markdown}\n\n${line}` },
    });
    expect(res.status(), await res.text()).toBe(200);
  };
  const textarea = () => page.getByLabel('Markdown', { exact: true });
  const typeAtEnd = async (line: string) => {
    await textarea().focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(`\n\n${line}`);
  };

  beforeAll(async () => {
    ({ h, context, page, articleId } = await startWithArticle('Heat pumps for family homes'));
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('keeps unsaved edits when the article is marked a favorite', async () => {
    await page.goto(`/articles/${articleId}`);
    await typeAtEnd('My unsaved paragraph.');
    await page.getByRole('button', { name: /Favorite/ }).click();
    await expect
      .poll(async () => await page.getByRole('button', { name: /Favorite/ }).getAttribute('aria-pressed'))
      .toBe('true');
    expect(await textarea().inputValue()).toContain('My unsaved paragraph.');
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isEnabled()).toBe(true);
  }, 60_000);

  it('asks before writing over a text saved since, and saves mine with theirs kept in Versions', async () => {
    await theyAppend('Their paragraph, saved first.');
    // A favorite marked after their save neither loads their text over mine nor hides their save.
    await page.getByRole('button', { name: /Favorite/ }).click();
    await expect
      .poll(async () => await page.getByRole('button', { name: /Favorite/ }).getAttribute('aria-pressed'))
      .toBe('false');
    expect(await textarea().inputValue()).toContain('My unsaved paragraph.');
    expect(await textarea().inputValue()).not.toContain('Their paragraph, saved first.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const conflict = page.getByTestId('save-conflict');
    await conflict.waitFor({ timeout: 15_000 });
    // Nothing of mine was written; theirs stands.
    expect((await stored()).markdown).toContain('Their paragraph, saved first.');
    expect((await stored()).markdown).not.toContain('My unsaved paragraph.');
    expect(await textarea().inputValue()).toContain('My unsaved paragraph.');
    await h.capture(page, 'editor-save-conflict');

    await conflict.getByRole('button', { name: 'Save mine anyway' }).click();
    await expect
      .poll(async () => (await stored()).markdown, { timeout: 15_000 })
      .toContain('My unsaved paragraph.');
    expect(await conflict.count()).toBe(0);
    const versions = (await (await context.request.get(`/api/v1/articles/${articleId}/versions`)).json())
      .items;
    const newest = await (
      await context.request.get(`/api/v1/articles/${articleId}/versions/${versions[0].id}`)
    ).json();
    expect(newest.markdown).toContain('Their paragraph, saved first.');
  }, 60_000);

  it('loads their text instead of mine when asked to', async () => {
    await typeAtEnd('A second unsaved paragraph.');
    await theyAppend('Their second paragraph.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const conflict = page.getByTestId('save-conflict');
    await conflict.waitFor({ timeout: 15_000 });
    await conflict.getByRole('button', { name: 'Discard mine, load theirs' }).click();
    await expect
      .poll(() => textarea().inputValue(), { timeout: 15_000 })
      .toContain('Their second paragraph.');
    expect(await textarea().inputValue()).not.toContain('A second unsaved paragraph.');
    expect(await conflict.count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Saved', exact: true }).isDisabled()).toBe(true);
  }, 60_000);

  it('keeps unsaved edits when the session ends, and saves them once signed in again', async () => {
    await typeAtEnd('Typed before the session ended.');
    // Signed out elsewhere (another tab, an expiry): the page's cookie no longer opens a session.
    const out = await context.request.post('/api/v1/auth/logout', { headers: { origin: h.server.base } });
    expect(out.status()).toBe(204);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
    await dialog.waitFor({ timeout: 15_000 });
    // The page is still there, under the dialog, with the text as typed.
    expect(await textarea().inputValue()).toContain('Typed before the session ended.');
    expect(await dialog.getByLabel('Email').inputValue()).toBe(owner.email);
    // Nothing behind the dialog takes the keyboard's focus, the skip link included.
    await dialog.getByLabel('Email').focus();
    await page.keyboard.press('Shift+Tab');
    expect(
      await page.evaluate(
        () =>
          document.activeElement === document.body || !!document.activeElement?.closest('[role="dialog"]'),
      ),
    ).toBe(true);
    await h.capture(page, 'editor-session-ended');
    await dialog.getByLabel('Password').fill(owner.password);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => dialog.count(), { timeout: 15_000 }).toBe(0);
    expect(await textarea().inputValue()).toContain('Typed before the session ended.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(async () => (await stored()).markdown, { timeout: 15_000 })
      .toContain('Typed before the session ended.');
  }, 60_000);

  it('says unsaved edits are lost before restoring a version over them', async () => {
    await typeAtEnd('An edit not saved yet.');
    await page.getByRole('button', { name: 'Versions', exact: true }).click();
    await page.getByRole('list').getByRole('button').first().click();
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.dismiss();
      }),
    );
    await page.getByRole('button', { name: 'Restore this version' }).click();
    expect(await asked).toMatch(/Your unsaved edits are not: they are lost/);
    // Cancelled: the edits are still there.
    expect(await textarea().inputValue()).toContain('An edit not saved yet.');
    expect(h.problems.filter((p) => !/status of 409/.test(p))).toEqual([]);
    expect(h.accessibility).toEqual([]);
  }, 60_000);

  it('asks before signing out over unsaved edits, and stays signed in when told to', async () => {
    await typeAtEnd('Typed before signing out.');
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.dismiss();
      }),
    );
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    expect(await asked).toMatch(/unsaved changes/);
    expect(await textarea().inputValue()).toContain('Typed before signing out.');
    // The session was not ended behind the question.
    expect((await context.request.get('/api/v1/me')).status()).toBe(200);
  }, 60_000);

  it("says why an export was refused in the server's words, and clears it on the next one", async () => {
    const exportHtml = `**/api/v1/articles/${articleId}/export?format=html`;
    await page.route(exportHtml, (route) =>
      route.fulfill({
        status: 409,
        json: { error: { code: 'conflict', message: 'The article is being rewritten', requestId: 'r' } },
      }),
    );
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByRole('button', { name: 'Export HTML' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'The article is being rewritten' });
    await refused.waitFor({ timeout: 15_000 });
    await page.unroute(exportHtml);
    await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export HTML' }).click(),
    ]);
    await expect.poll(() => refused.count()).toBe(0);
  }, 60_000);

  it('downloads the article as Word, PDF and WordPress blocks', async () => {
    const saved = async (name: string) => {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: `Export ${name}`, exact: true }).click(),
      ]);
      const path = await file.path();
      return { name: file.suggestedFilename(), bytes: readFileSync(path) };
    };
    const docx = await saved('Word (DOCX)');
    expect(docx.name).toMatch(/\.docx$/);
    expect(docx.bytes.subarray(0, 2).toString()).toBe('PK');
    const pdf = await saved('PDF');
    expect(pdf.name).toMatch(/\.pdf$/);
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const blocks = await saved('WordPress blocks');
    expect(blocks.name).toMatch(/\.wordpress\.html$/);
    expect(blocks.bytes.toString()).toMatch(/^<!-- wp:/);
  }, 60_000);

  it('saves once for a Ctrl+S pressed twice, without a conflict with itself', async () => {
    await typeAtEnd('Saved with the keyboard.');
    const patches: string[] = [];
    const onRequest = (req: { method(): string; url(): string }) => {
      if (req.method() === 'PATCH' && req.url().includes(`/api/v1/articles/${articleId}`))
        patches.push(req.url());
    };
    page.on('request', onRequest);
    try {
      await page.keyboard.press('Control+s');
      await page.keyboard.press('Control+s');
      await expect
        .poll(() => page.getByRole('button', { name: 'Saved', exact: true }).isDisabled(), {
          timeout: 15_000,
        })
        .toBe(true);
      expect((await stored()).markdown).toContain('Saved with the keyboard.');
      expect(await page.getByTestId('save-conflict').count()).toBe(0);
      expect(patches).toHaveLength(1);
    } finally {
      page.off('request', onRequest);
    }
  }, 60_000);
});
