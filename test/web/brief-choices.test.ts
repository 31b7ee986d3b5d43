// The writer's main story in Chromium: a topic, a brand voice and the sources. Brand voices are
// managed in Settings (add with field errors, edit, delete after confirming; a viewer reads them
// only); the brief form offers them ("None" by default, a pointer to Settings while there are none)
// and "Search our knowledge base" once the library has a ready document; the article created carries
// both in its brief, and the voice's guidelines reach the writer's prompts. Axe, no console errors.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleModelResponder } from '../fakes/article-model.ts';
import { connectedOwner } from './connected-owner.ts';
import { invitedMember, overflowsHorizontally, signIn, startWebHarness, type WebHarness } from './harness.ts';

const poll = <T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}) =>
  expect.poll(fn, { timeout: 10_000, ...options });

const houseStyle = {
  name: 'Harbour Press house style',
  guidelines: 'Short sentences. Say "you", never "the user". No exclamation marks.',
};

interface Voice {
  id: string;
  name: string;
  guidelines: string;
}

describe('brand voices and the brief in Chromium', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;
  const origin = () => ({ origin: h.server.base });
  const listedVoices = async (): Promise<Voice[]> =>
    (await (await context.request.get('/api/v1/brand-voices')).json()).items;

  beforeAll(async () => {
    h = await startWebHarness({ LLM_CACHE_TTL: '0' });
    h.llm.responder = articleModelResponder();
    context = await h.newContext({ width: 1280, height: 860 });
    await connectedOwner(h, context);
    page = await context.newPage();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('offers no brand voice and no knowledge search yet, and says where each comes from', async () => {
    await page.goto('/articles/new');
    await page.getByRole('heading', { level: 1, name: 'New article' }).waitFor();
    const voice = page.getByRole('group', { name: 'Brand voice' });
    await voice.getByText('No brand voices yet.').waitFor();
    expect(await page.getByRole('combobox', { name: 'Brand voice' }).count()).toBe(0);

    const knowledge = page.getByRole('checkbox', { name: 'Search our knowledge base for sources' });
    await page.getByText('Needs a ready document: upload one to the knowledge library.').waitFor();
    expect(await knowledge.isDisabled()).toBe(true);
    const hintId = (await knowledge.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${hintId}"]`).textContent()).toBe(
      'Needs a ready document: upload one to the knowledge library.',
    );
    await h.capture(page, 'brief-choices-01-none-yet');

    await voice.getByRole('link', { name: 'Brand voices' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByRole('region', { name: 'Brand voices' }).getByText('No brand voices yet.').waitFor();
  }, 60_000);

  it('adds brand voices in Settings, with the refusal at its field', async () => {
    const nav = page.getByRole('navigation', { name: 'Settings sections' });
    expect(await nav.getByRole('link').allTextContents()).toContain('Brand voices');
    const section = page.getByRole('region', { name: 'Brand voices' });
    const form = section.getByRole('form', { name: 'Add a brand voice' });

    // Nothing typed: the API's refusal lands at both fields.
    await form.getByRole('button', { name: 'Add brand voice' }).click();
    await poll(() => form.getByRole('textbox', { name: 'Name' }).getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByRole('textbox', { name: 'Guidelines' }).getAttribute('aria-invalid')).toBe('true');
    await h.capture(page, 'brief-choices-02-voice-refused');

    for (const v of [
      houseStyle,
      { name: 'Plain and brief', guidelines: 'Plain words, one idea a sentence.' },
    ]) {
      await form.getByRole('textbox', { name: 'Name' }).fill(v.name);
      await form.getByRole('textbox', { name: 'Guidelines' }).fill(v.guidelines);
      await form.getByRole('button', { name: 'Add brand voice' }).click();
      await form.getByText(`Brand voice "${v.name}" added. Briefs can now name it.`).waitFor();
      // The form is empty again, ready for the next one.
      expect(await form.getByRole('textbox', { name: 'Name' }).inputValue()).toBe('');
    }
    const list = section.getByRole('list', { name: 'Brand voices' });
    await poll(() => list.getByRole('listitem').count()).toBe(2);
    expect(await list.textContent()).toContain(houseStyle.guidelines);
    expect((await listedVoices()).map((v) => v.name).sort()).toEqual([houseStyle.name, 'Plain and brief']);
    await h.capture(page, 'brief-choices-03-voices');
  }, 60_000);

  it('edits a brand voice in place, and deletes one only once confirmed', async () => {
    const section = page.getByRole('region', { name: 'Brand voices' });
    const list = section.getByRole('list', { name: 'Brand voices' });
    await section.getByRole('button', { name: 'Edit Plain and brief' }).click();
    const edit = section.getByRole('form', { name: 'Edit Plain and brief' });
    const name = edit.getByRole('textbox', { name: 'Name' });
    // Focus moves into the form that replaced the Edit button.
    await poll(() => name.evaluate((el) => el === document.activeElement)).toBe(true);
    await name.fill('Plain English');
    await edit.getByRole('textbox', { name: 'Guidelines' }).fill('Plain words. One idea a sentence.');
    await h.capture(page, 'brief-choices-04-editing');
    await edit.getByRole('button', { name: 'Save' }).click();
    await section.getByText('Brand voice "Plain English" saved.').waitFor();
    expect(await edit.count()).toBe(0);
    // Back on the voice's Edit button.
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Edit Plain English',
    );
    expect(await list.textContent()).toContain('Plain words. One idea a sentence.');
    const edited = (await listedVoices()).find((v) => v.name === 'Plain English');
    expect(edited?.guidelines).toBe('Plain words. One idea a sentence.');

    // Dismissed: nothing deleted.
    page.once('dialog', (d) => void d.dismiss());
    await section.getByRole('button', { name: 'Delete Plain English' }).click();
    expect(await list.getByRole('listitem').count()).toBe(2);
    let question = '';
    page.once('dialog', (d) => {
      question = d.message();
      void d.accept();
    });
    await section.getByRole('button', { name: 'Delete Plain English' }).click();
    await section.getByText('Brand voice "Plain English" was deleted.').waitFor();
    expect(question).toMatch(/^Delete the brand voice "Plain English"\?/);
    await poll(() => list.getByRole('listitem').count()).toBe(1);
    expect((await listedVoices()).map((v) => v.name)).toEqual([houseStyle.name]);
    await h.capture(page, 'brief-choices-05-deleted');
  }, 60_000);

  it('writes the article in the voice picked and from the knowledge base when asked', async () => {
    const upload = await context.request.post('/api/v1/documents', {
      headers: origin(),
      multipart: {
        file: {
          name: 'heat-pump-notes.txt',
          mimeType: 'text/plain',
          buffer: Buffer.from(
            'Heat pumps move heat from outside air into the house. Family homes save most in winter.',
          ),
        },
      },
    });
    expect(upload.status()).toBe(202);
    const documentId = (await upload.json()).id as string;
    await poll(
      async () => (await (await context.request.get(`/api/v1/documents/${documentId}`)).json()).status,
      { timeout: 30_000 },
    ).toBe('ready');

    await page.goto('/articles/new');
    await page.getByRole('heading', { level: 1, name: 'New article' }).waitFor();
    const voice = page.getByRole('combobox', { name: 'Brand voice' });
    await voice.waitFor();
    // "None" unless the writer picks one.
    expect(await voice.inputValue()).toBe('');
    expect(await voice.locator('option').allTextContents()).toEqual(['None', houseStyle.name]);
    const knowledge = page.getByRole('checkbox', { name: 'Search our knowledge base for sources' });
    await poll(() => knowledge.isEnabled()).toBe(true);
    expect(await knowledge.isChecked()).toBe(false);

    await page.getByLabel('Topic').fill('Heat pumps for family homes');
    await page.getByLabel('Length in words').fill('600');
    await voice.selectOption({ label: houseStyle.name });
    await knowledge.check();
    await h.capture(page, 'brief-choices-06-brief');
    await page.getByRole('button', { name: 'Generate article' }).click();
    await page.waitForURL(/\/articles\/[0-9a-f-]+\/live$/);
    const id = new URL(page.url()).pathname.split('/')[2]!;

    const [voiceId] = (await listedVoices()).map((v) => v.id);
    const read = async () => (await context.request.get(`/api/v1/articles/${id}`)).json();
    const { brief } = await read();
    expect(brief.brandVoiceId).toBe(voiceId);
    expect(brief.research.knowledge).toBe(true);

    await poll(async () => (await read()).status, { timeout: 60_000 }).toBe('completed');
    // The guidelines were in the writer's prompts.
    const prompts = h.llm.requests.map((r) => JSON.stringify(r.body));
    expect(prompts.some((p) => p.includes(`Brand voice \\"${houseStyle.name}\\"`))).toBe(true);
    expect(prompts.some((p) => p.includes('No exclamation marks.'))).toBe(true);
    await h.capture(page, 'brief-choices-07-written');
  }, 120_000);

  it('shows a viewer the voices without the means to change them', async () => {
    await invitedMember(h, context, {
      email: 'reader@example.com',
      password: 'a-reader-password',
      role: 'viewer',
    });

    const other = await h.newContext({ width: 375, height: 812, mobile: true });
    try {
      const p = await other.newPage();
      await signIn(p, { email: 'reader@example.com', password: 'a-reader-password' });
      await p.goto('/settings#brand-voices');
      const section = p.getByRole('region', { name: 'Brand voices' });
      await section.getByRole('list', { name: 'Brand voices' }).getByText(houseStyle.name).waitFor();
      expect(await section.textContent()).toContain('Editors and above add and change them.');
      expect(await section.getByRole('button').count()).toBe(0);
      expect(await section.getByRole('form').count()).toBe(0);
      expect(await overflowsHorizontally(p)).toBe(false);
      await h.capture(p, 'brief-choices-08-viewer-phone');
    } finally {
      await other.close();
    }
  }, 60_000);

  it('offers no sign-up where the server takes none', async () => {
    const signedOut = await h.newContext();
    try {
      const p = await signedOut.newPage();
      await p.goto('/');
      await p.getByRole('heading', { level: 1, name: 'Sign in to Blogsmith' }).waitFor();
      expect(await p.getByRole('button', { name: 'Create an account' }).count()).toBe(0);
    } finally {
      await signedOut.close();
    }
  }, 60_000);

  it('had no serious accessibility violations and no console errors', () => {
    expect(h.accessibility).toEqual([]);
    expect(h.problems).toEqual([]);
  });
});
