// The web app in a real browser against the real server: first-run setup, sign-in, connecting a
// model (the fake OpenAI-compatible server), API keys, the knowledge library, plus phone-width and
// keyboard-only passes, and the article flow: generate while watching, edit, cite, export.
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleModelResponder } from '../fakes/article-model.ts';
import type { ReceivedRequest } from '../fakes/scripted-server.ts';
import { writePdf } from '../support/pdf-writer.ts';
import {
  focusIsVisible,
  overflowsHorizontally,
  owner,
  signIn,
  startWebHarness,
  tabTo,
  type WebHarness,
} from './harness.ts';

// Waiting assertions get room for a loaded CI machine (vitest's default is 1 s).
const poll = <T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}) =>
  expect.poll(fn, { timeout: 10_000, ...options });

describe('web app in Chromium', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;
  let articleUrl = '';

  beforeAll(async () => {
    h = await startWebHarness({
      LLM_PRICES_JSON: JSON.stringify({ 'compatible:fake-chat': { input: 0.15, output: 0.6 } }),
      LLM_CACHE_TTL: '0',
    });
    context = await h.newContext();
    page = await context.newPage();
  }, 90_000);
  afterAll(async () => {
    await h?.close();
  });

  it('serves the app at / with a CSP that lets it run, and keeps JSON 404s for the API', async () => {
    const html = await fetch(`${h.server.base}/library`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await html.text()).toContain('<div id="root">');
    const api404 = await fetch(`${h.server.base}/api/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api404.status).toBe(404);
    expect((await api404.json()).error.code).toBe('not_found');
    const plain404 = await fetch(`${h.server.base}/no/such/page`);
    expect(plain404.status).toBe(404);
    expect((await plain404.json()).error.code).toBe('not_found');
  });

  it('runs first-run setup with field errors from the API, then lands on the dashboard', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Welcome to Blogsmith' }).waitFor();
    await h.capture(page, '01-setup');
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    // The API's 400 details are shown at their fields and wired to them for screen readers.
    const email = page.getByLabel('Email');
    await poll(() => email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy.split(' ').at(-1)}"]`).textContent()).toMatch(/email/i);
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await email.fill(owner.email);
    await page.getByLabel('Password', { exact: true }).fill(owner.password);
    await page.getByLabel('Workspace name (optional)').fill('Docs team');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.getByRole('heading', { name: 'Usage this month' }).waitFor();
    // A newcomer is pointed at connecting a model first.
    await page.getByRole('heading', { name: 'Connect a language model to start' }).waitFor();
    await page.getByText('$0.00').first().waitFor();
    // The workspace named at setup is shown in the header.
    expect(await page.getByTestId('workspace-name').textContent()).toBe('Docs team');
    await h.capture(page, '02-dashboard');

    // Without a model, New article says what to do instead of refusing later: a banner to
    // Settings, and Generate disabled.
    await page.getByRole('link', { name: 'New article' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'New article' }).waitFor();
    const banner = page.getByTestId('connect-model');
    await banner.waitFor();
    expect(await page.getByRole('button', { name: 'Generate article' }).isDisabled()).toBe(true);
    expect(await page.locator('main').textContent()).not.toMatch(/\b[A-Z]+_[A-Z_]+\b/);
    await h.capture(page, '02b-new-article-no-model');
    await banner.getByRole('link', { name: 'Connect a model in Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  }, 60_000);

  it('signs out, refuses a wrong password with a clear message, signs in again', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in to Blogsmith' }).waitFor();
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByRole('alert').textContent()).toMatch(/invalid email or password/i);
    await h.capture(page, '03-login-error');
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    // A reload keeps the session (cookie) and the client-side route.
    await page.goto('/settings');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  }, 60_000);

  it('connects the fake OpenAI-compatible server step by step: address, model from its list, roles filled, tested', async () => {
    h.llm.quirks = { modelIds: ['fake-chat', 'fake-embed'] };
    const before = h.llm.requests.length;
    await page.getByLabel('Provider', { exact: true }).selectOption('compatible');
    // The address is what this provider needs: labelled required, the key optional.
    await page.getByRole('button', { name: 'Connect' }).click();
    await poll(() => page.getByRole('alert').first().textContent()).toMatch(/address of your server/);
    await page.getByLabel('Server address (base URL)').fill(h.llm.baseUrl);
    await page.getByLabel('API key (optional)').fill('sk-fake-test-key');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText('connected. Now pick the model to write with.').waitFor();
    // The key is never shown again: only that one is set.
    expect(await page.getByLabel('API key (optional)').getAttribute('placeholder')).toContain('(set)');
    expect(await page.content()).not.toContain('sk-fake-test-key');

    // The server's own model list, text models to write with, embedding models apart.
    const model = page.getByLabel('Model to write with');
    await model.waitFor();
    expect(await model.locator('option').allTextContents()).toEqual(['fake-chat']);
    await page.getByLabel('Embedding model (optional)').selectOption('compatible:fake-embed');
    await page.getByRole('button', { name: 'Use this model' }).click();
    await page.getByText('Every writing role now uses compatible:fake-chat').waitFor();
    for (const role of ['planner', 'writer', 'checker'])
      await poll(() => page.locator(`[data-role-chain="${role}"]`).textContent()).toContain(
        'compatible:fake-chat',
      );
    await poll(() => page.locator('[data-role-chain="embedder"]').textContent()).toContain(
      'compatible:fake-embed',
    );

    // The test runs by itself and every model works.
    const results = page.getByTestId('model-check');
    await results.waitFor({ timeout: 20_000 });
    await poll(() => results.locator('li').count()).toBeGreaterThanOrEqual(2);
    expect(await results.textContent()).toContain('compatible:fake-chat');
    expect(await results.getByText('failed').count()).toBe(0);
    expect(h.llm.requests.length).toBeGreaterThan(before);
    expect(h.llm.requests.at(-1)?.headers.authorization).toBe('Bearer sk-fake-test-key');
    await h.capture(page, '04-settings');

    // Per-role models: a malformed id, and a model whose provider has no key, are refused at the field.
    await page.getByText('More control: a model per role, monthly budget').click();
    const writer = page.getByLabel('Writer model');
    await writer.fill('not a model id');
    await page.getByRole('button', { name: 'Save models' }).click();
    await poll(() => writer.getAttribute('aria-invalid')).toBe('true');
    await writer.fill('openai:gpt-4o-mini');
    await page.getByRole('button', { name: 'Save models' }).click();
    // Read the field's description when the answer is in (the old error is cleared while saving).
    const writerDescription = async () => {
      const id = (await writer.getAttribute('aria-describedby'))?.split(' ').at(-1);
      return page.locator(`[id="${id}"]`).textContent();
    };
    await poll(writerDescription).toMatch(/openai is not connected/);
    await writer.fill('compatible:fake-chat');
    await page.getByRole('button', { name: 'Save models' }).click();
    await page.getByText('Models saved.').waitFor();

    await page.getByLabel('Budget in USD').fill('25');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByText('Budget saved.').waitFor();
    await h.capture(page, '04b-settings-advanced');
  }, 60_000);

  it('creates an API key shown once, which works, then revokes it', async () => {
    await page.getByLabel('Key name').fill('ci');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByLabel('New API key');
    await shown.waitFor();
    const key = await shown.inputValue();
    expect(key).toMatch(/^bsk_/);
    const me = await fetch(`${h.server.base}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    await h.capture(page, '05-api-key');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByLabel('New API key').count()).toBe(0);

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke ci' }).click();
    await poll(() => page.getByRole('list', { name: 'API keys' }).textContent()).toContain('revoked');
    const after = await fetch(`${h.server.base}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(after.status).toBe(401);
  });

  it('invites a member, who joins through the link; changes their role, removes them', async () => {
    await page.getByRole('heading', { name: 'Members' }).scrollIntoViewIfNeeded();
    const members = page.getByRole('list', { name: 'Members' });
    await page.getByRole('textbox', { name: 'Email' }).fill('writer@example.com');
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Invite member' }).click();
    const link = page.getByLabel('Invitation link for writer@example.com');
    await poll(() => link.inputValue()).toMatch(/\/invite\/[\w-]+\.[\w-]+$/);
    // Not a member until they accept.
    expect(await members.textContent()).not.toContain('writer@example.com');

    // The invitee opens the link in their own browser and chooses a password.
    const invitee = await h.newContext();
    try {
      const theirs = await invitee.newPage();
      await theirs.goto(await link.inputValue());
      await theirs.getByRole('heading', { name: 'Join a workspace' }).waitFor();
      await poll(() => theirs.getByRole('main').textContent()).toContain('writer@example.com');
      await theirs.getByLabel('Password', { exact: true }).fill('writer-password-123');
      await theirs.getByRole('button', { name: 'Accept invitation' }).click();
      await theirs.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    } finally {
      await invitee.close();
    }

    await page.reload();
    await page.getByRole('heading', { name: 'Members' }).scrollIntoViewIfNeeded();
    await poll(() => members.textContent()).toContain('writer@example.com');
    await page.getByLabel('Role of writer@example.com').selectOption('viewer');
    await poll(() => page.getByLabel('Role of writer@example.com').inputValue()).toBe('viewer');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Remove writer@example.com' }).click();
    await poll(() => members.textContent()).not.toContain('writer@example.com');
  });

  it('uploads a PDF with progress, shows it ready, finds a passage, deletes it', async () => {
    await page.getByRole('link', { name: 'Knowledge' }).click();
    await page.getByRole('heading', { level: 1, name: 'Knowledge' }).waitFor();
    await page.getByText('No documents yet').waitFor();
    const pdf = writePdf([
      [
        'Solar inverters convert direct current into alternating current for the home grid.',
        'Efficiency of modern string inverters peaks near 98 percent in full sun.',
      ],
      ['Microinverters sit behind each panel and limit the losses caused by partial shading.'],
    ]);
    await page.setInputFiles('#knowledge-file', {
      name: 'inverters.pdf',
      mimeType: 'application/pdf',
      buffer: pdf,
    });
    await page.locator('.uploads li[data-state="done"]').waitFor();
    const row = page.locator('tr[data-document]').first();
    await row.waitFor();
    await poll(() => row.locator('.badge').textContent(), { timeout: 30_000 }).toBe('ready');
    expect(await row.textContent()).toContain('2 p.');
    // What the workspace stores of its bound (WORKSPACE_STORAGE_MB, 2 GB by default): the PDF's size.
    const held = page.getByText(/The workspace stores/);
    const pdfKb = `${(pdf.length / 1024).toFixed(1)} KB`;
    const pdfHeld = `The workspace stores ${pdfKb} of its 2.0 GB (documents ${pdfKb}, articles 0 B).`;
    await poll(() => held.textContent()).toContain(pdfHeld);
    await h.capture(page, '06-knowledge');

    await page.getByLabel('Search passages').fill('microinverters shading');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await poll(() => page.locator('.passages li').count()).toBeGreaterThan(0);
    expect(await page.locator('.passages').textContent()).toMatch(/Microinverters/);
    await h.capture(page, '07-knowledge-search');

    // Keep this document for the rest of the suite but prove delete works on a second one.
    await page.setInputFiles('#knowledge-file', {
      name: 'notes.txt',
      mimeType: 'text/plain',
      // Long enough that what the library holds changes in its first decimal.
      buffer: Buffer.from('Battery storage shifts solar output into the evening peak.\n'.repeat(20)),
    });
    await poll(() => page.locator('tr[data-document]').count()).toBe(2);
    await poll(() => held.textContent()).not.toContain(pdfHeld);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: /^Delete notes/ }).click();
    await poll(() => page.locator('tr[data-document]').count()).toBe(1);
    await poll(() => held.textContent()).toContain(pdfHeld);
  }, 60_000);

  it('generates an article from the brief form while showing steps, text, sources and cost; survives a reload', async () => {
    // The fake model answers the pipeline's prompts, streaming slowly enough to watch.
    h.llm.responder = articleModelResponder({ chunkDelayMs: 6 });
    await page.getByRole('link', { name: 'New article' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'New article' }).waitFor();
    await page.getByLabel('Topic').fill('Solar inverters');
    // This server has no search provider: the reason is shown at the checkbox, in plain words.
    const web = page.getByRole('checkbox', { name: 'Search the web for sources' });
    await web.check();
    await page.getByRole('button', { name: 'Generate article' }).click();
    await poll(() => web.getAttribute('aria-invalid')).toBe('true');
    const webError = page.locator(`[id="${await web.getAttribute('aria-describedby')}"]`);
    expect(await webError.textContent()).toMatch(/Web research is not configured on this server/);
    expect(await page.locator('main').textContent()).not.toMatch(/\b[A-Z]+_[A-Z_]+\b/);
    await h.capture(page, '07b-brief-web-unavailable');
    await web.uncheck();
    await page.getByLabel('Length in words').fill('600');
    await page.getByLabel('Keywords (optional)').fill('solar inverters, microinverters');
    await page.getByRole('checkbox', { name: 'inverters' }).check();
    await page.getByRole('button', { name: 'Generate article' }).click();
    await page.waitForURL(/\/articles\/[0-9a-f-]+\/live$/);
    articleUrl = page.url().replace(/\/live$/, '');

    // The planned steps are listed from the start, under the topic as the heading.
    expect(await page.locator('.page-head h1').textContent()).toBe('Solar inverters');
    await poll(() => page.locator('li.step').count()).toBeGreaterThan(6);
    expect(await page.locator('li.step[data-step="seo"]').count()).toBe(1);

    // Mid-generation: a step done, text streaming in, the document found as a source.
    await page.locator('li.step[data-status="completed"]').first().waitFor();
    await poll(() => page.locator('.draft-part').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.locator('ol.sources').getByText('inverters').first().waitFor();
    await h.capture(page, '08-live-generation');

    // A reload rebuilds the view from the replayed event stream.
    await page.reload();
    await page.getByRole('heading', { name: 'Steps' }).waitFor();
    await poll(() => page.locator('.draft-part').count(), { timeout: 15_000 }).toBeGreaterThan(0);

    // Every step ends completed or skipped; the run cost money (priced fake model).
    await page.getByRole('button', { name: 'Open in editor' }).waitFor({ timeout: 30_000 });
    const statuses = await page
      .locator('li.step')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThan(4);
    expect(statuses.every((st) => st === 'completed' || st === 'skipped')).toBe(true);
    expect(await page.locator('.live-summary .badge').textContent()).toBe('completed');
    expect(await page.getByTestId('running-cost').textContent()).toMatch(/^\$0\.\d*[1-9]/);
    expect(await page.locator('.draft').textContent()).toContain('Microinverters sit behind each panel');
    expect(await page.locator('.page-head h1').textContent()).toBe('Solar inverters');
    // The finish card sums the result up.
    const card = page.getByTestId('finish-card');
    await poll(() => card.textContent()).toMatch(/Your article is ready/);
    expect(await card.textContent()).toMatch(/Words[\d,]+/);
    expect(await card.textContent()).toMatch(/SEO score\d+\/100/);
    await h.capture(page, '09-live-done');

    // Each step shows, once opened, what it was given and what it stored.
    const section = page.locator('li.step[data-step="section:0"]');
    await section.getByText('Input and output').click();
    await poll(() => section.getByTestId('step-output').textContent()).toMatch(/\w+ \w+ \w+/);
    const input = JSON.parse((await section.getByTestId('step-input').textContent()) ?? '');
    expect(input).toMatchObject({ heading: expect.any(String), words: expect.any(Number) });
    expect(await page.locator('.draft').textContent()).toContain(input.heading);
    const plan = page.locator('li.step[data-step="plan"]');
    await plan.getByText('Input and output').click();
    await poll(() => plan.getByTestId('step-input').textContent()).toMatch(/"topic": "Solar inverters"/);
    expect(await plan.getByTestId('step-output').textContent()).toMatch(/"questions"/);
    await h.capture(page, '09b-step-data');
  }, 60_000);

  it('edits and saves in the editor, shows a citation source, diffs a version, exports Markdown', async () => {
    await page.getByRole('button', { name: 'Open in editor' }).click();
    await page.waitForURL(articleUrl);
    const markdown = page.getByLabel('Markdown');
    await markdown.waitFor();
    expect(await markdown.inputValue()).toContain('[1]');

    // A citation marker in the preview opens its source excerpt.
    await page.locator('.preview button.cite').first().click();
    const source = page.getByTestId('source-detail');
    await source.waitFor();
    expect(await source.textContent()).toContain('Solar inverters convert direct current');
    expect(await page.locator('.citations li').count()).toBeGreaterThan(0);
    await h.capture(page, '16-editor-citation');

    // One title: the Title field is the Markdown's `# ` heading.
    const title = page.getByLabel('Title', { exact: true });
    const heading = (await markdown.inputValue()).split('\n')[0];
    expect(heading).toBe(`# ${await title.inputValue()}`);
    await title.fill('Solar inverters, explained');
    expect((await markdown.inputValue()).split('\n')[0]).toBe('# Solar inverters, explained');
    await markdown.fill((await markdown.inputValue()).replace(/^# .*/, '# Solar inverters in practice'));
    expect(await title.inputValue()).toBe('Solar inverters in practice');

    // Unsaved edits are not lost to an in-app link: leaving asks, and staying keeps them.
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await page.getByRole('link', { name: 'Library' }).click();
    await poll(() => asked).toMatch(/unsaved changes/);
    expect(page.url()).toBe(articleUrl);
    expect(await title.inputValue()).toBe('Solar inverters in practice');
    await markdown.fill((await markdown.inputValue()).replace(/^# .*/, heading!));

    // Fix a sentence and save; the change survives a reload.
    const original = await markdown.inputValue();
    const sentence = 'Microinverters sit behind each panel';
    expect(original).toContain(sentence);
    await markdown.fill(original.replaceAll(sentence, 'Microinverters are mounted behind each panel'));
    await expect
      .poll(() => page.locator('.preview').textContent())
      .toContain('Microinverters are mounted behind each panel');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved. The previous text is kept in Versions.').waitFor();
    await page.reload();
    await expect
      .poll(() => page.getByLabel('Markdown').inputValue())
      .toContain('Microinverters are mounted behind each panel');

    // The edit left a version; its diff shows the old line removed and the new one added.
    await page.getByRole('button', { name: 'Versions' }).click();
    await page
      .getByRole('button', { name: /— edit$/ })
      .first()
      .click();
    await poll(() => page.locator('.diff-removed').first().textContent()).toContain(sentence);
    expect(await page.locator('.diff-added').first().textContent()).toContain('Microinverters are mounted');

    await page.getByRole('button', { name: 'Fact check', exact: true }).click();
    await page.locator('.panel-body').waitFor();
    await page.getByRole('button', { name: 'SEO', exact: true }).click();
    await poll(() => page.locator('.panel-body').textContent()).toMatch(/SEO score/);
    await h.capture(page, '17-editor-seo');

    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export Markdown' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.md$/);
    const file = readFileSync((await download.path())!, 'utf8');
    expect(file).toContain('Microinverters are mounted behind each panel');
    expect(file).not.toContain(sentence);

    // Model output is untrusted: raw HTML in the Markdown is shown as text, never run.
    const saved = await markdown.inputValue();
    await markdown.fill(
      `${saved}\n\n<img src="x" onerror="window.__xss = 1"> <script>window.__xss = 2</script>`,
    );
    await poll(() => page.locator('.preview').textContent()).toContain('<script>');
    expect(await page.locator('.preview img, .preview script, .preview [onerror]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await markdown.fill(saved);

    // Restoring the earlier version brings the original sentence back.
    await page.getByRole('button', { name: 'Versions' }).click();
    await page
      .getByRole('button', { name: /— edit$/ })
      .first()
      .click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Restore this version' }).click();
    await poll(() => page.getByLabel('Markdown').inputValue()).toContain(sentence);

    // Regenerating one section runs the writer again for it; accepting the proposal keeps the text
    // before as a version (test/web/regenerate.test.ts covers instructions, before/after, discard).
    await page.getByRole('button', { name: 'Regenerate', exact: true }).click();
    await page.getByLabel('Part', { exact: true }).selectOption({ index: 2 });
    await page.getByRole('button', { name: 'Regenerate part' }).click();
    await page.getByRole('button', { name: 'Accept' }).click({ timeout: 20_000 });
    await page.getByText('Accepted. The text before is kept in Versions.').waitFor();
    await page.getByRole('button', { name: 'Versions' }).click();
    await page
      .getByRole('button', { name: /— regenerate$/ })
      .first()
      .waitFor();
  }, 60_000);

  it('lists the article in the library with search, status filter and favorites', async () => {
    await page.getByRole('link', { name: 'Library' }).click();
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor();
    const rows = page.locator('.article-row');
    await poll(() => rows.count()).toBe(1);
    await page.getByRole('button', { name: /^Favorite:/ }).click();
    await expect
      .poll(() => page.getByRole('button', { name: /^Favorite:/ }).getAttribute('aria-pressed'))
      .toBe('true');
    await page.getByLabel('Favorites only').check();
    await page.getByLabel('Status').selectOption('completed');
    await page.getByLabel('Search').fill('solar');
    // Filters apply as they change (the search once typing pauses): no Apply button.
    await page.waitForURL(/q=solar/);
    expect(page.url()).toMatch(/favorite=true/);
    await poll(() => rows.count()).toBe(1);
    await page.getByLabel('Search').fill('no-such-words-anywhere');
    await page.getByText('No article matches these filters.').waitFor();
    await h.capture(page, '18-library');

    // The dashboard lists it and this month's cost by model.
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('link', { name: 'A practical guide to Solar inverters' }).waitFor();
    const usage = page.getByRole('table', { name: 'Cost by model this month' });
    expect(await page.getByRole('heading', { name: 'Connect a language model to start' }).count()).toBe(0);
    await poll(() => usage.textContent()).toContain('compatible:fake-chat');
    expect(await usage.textContent()).toMatch(/\$0\.\d*[1-9]/);
    // The fake embedder has no price: the total says what it leaves out.
    expect(await page.getByTestId('unpriced-calls').textContent()).toMatch(
      /^Not in this total: \d+ calls? to models without a price, which the budget cannot count either\./,
    );
    // And by member: the article's calls for the owner who asked for it, the document's for no one.
    const byMember = page.getByRole('table', { name: 'Cost by member this month' });
    expect(await byMember.textContent()).toContain('owner@example.com');
    expect(await byMember.textContent()).toContain('(no member)');
    await h.capture(page, '21-dashboard-usage');
  });

  it('cancels a generation from the live view', async () => {
    const slow = articleModelResponder({ chunkDelayMs: 200 });
    // The plan answers after 2.5 s (then at once), the rest streams slowly enough to cancel.
    const isPlan = (req: ReceivedRequest) =>
      JSON.stringify(req.body.response_format ?? req.body.tools ?? '').includes('research_plan');
    h.llm.responder = (req) => {
      const answer = slow(req);
      return answer?.type === 'answer' && isPlan(req)
        ? { ...answer, delayMs: 2500, chunkDelayMs: 2 }
        : answer;
    };
    await page.getByRole('link', { name: 'New article' }).first().click();
    await page.getByLabel('Topic').fill('Heat pumps in old houses');
    await page.getByRole('button', { name: 'Generate article' }).click();
    await page.waitForURL(/\/live$/);
    await page.locator('li.step[data-status="running"]').first().waitFor();
    // A step opened while it runs shows what it was asked, then what it stored once it finishes.
    const plan = page.locator('li.step[data-step="plan"]');
    await plan.getByText('Input and output').click();
    await poll(() => plan.getByTestId('step-input').textContent()).toMatch(/Heat pumps in old houses/);
    expect(await plan.getAttribute('data-status')).toBe('running');
    expect(await plan.getByTestId('step-output').textContent()).toBe('Nothing stored.');
    await poll(() => plan.getByTestId('step-output').textContent(), { timeout: 15_000 }).toMatch(
      /"questions"/,
    );
    // Cancel asks first; saying no keeps the run going.
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(true);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect
      .poll(() => page.locator('.live-summary .badge').textContent(), { timeout: 15_000 })
      .toBe('cancelled');
    await page.getByRole('button', { name: 'Open in editor' }).waitFor();
    await page.getByRole('button', { name: 'Start again with the same brief' }).waitFor();
    await h.capture(page, '22-live-cancelled');
    h.llm.responder = articleModelResponder();
  });

  it('fits a 375 px phone screen on every page, with a working menu', async () => {
    const phone = await h.newContext({ width: 375, height: 812, mobile: true });
    const p = await phone.newPage();
    await signIn(p);
    // Escape closes the menu.
    await p.getByRole('button', { name: 'Menu' }).click();
    await p.keyboard.press('Escape');
    await poll(() => p.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded')).toBe('false');
    for (const [label, heading, shot] of [
      ['Dashboard', 'Dashboard', '10-mobile-dashboard'],
      ['New article', 'New article', '11-mobile-new-article'],
      ['Library', 'Library', '12-mobile-library'],
      ['Knowledge', 'Knowledge', '13-mobile-knowledge'],
      ['Settings', 'Settings', '14-mobile-settings'],
    ] as const) {
      const menu = p.getByRole('button', { name: 'Menu' });
      await menu.click();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
      await p.getByRole('heading', { level: 1, name: heading }).waitFor();
      await poll(() => p.locator('.loading').count()).toBe(0);
      expect(await overflowsHorizontally(p), `${label} overflows at 375 px`).toBe(false);
      await h.capture(p, shot);
    }
    // The documents are cards on a phone: Delete is on screen without scrolling sideways.
    await p.goto('/knowledge');
    const del = p.getByRole('button', { name: /^Delete / }).first();
    await del.waitFor();
    const box = await del.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(375);

    // The editor shows one pane at a time, switched with Write / Preview.
    await p.goto(articleUrl);
    await p.getByLabel('Markdown').waitFor();
    expect(await p.locator('.preview').isVisible()).toBe(false);
    await p.getByRole('button', { name: 'Preview', exact: true }).click();
    await p.locator('.preview').waitFor();
    expect(await p.getByLabel('Markdown').isVisible()).toBe(false);
    await h.capture(p, '19b-mobile-preview');

    // The editor and the generation view of the article too.
    for (const [url, shot] of [
      [articleUrl, '19-mobile-editor'],
      [`${articleUrl}/live`, '20-mobile-live'],
    ] as const) {
      await p.goto(url);
      await p.locator('.page-head h1').waitFor();
      await poll(() => p.locator('.loading').count()).toBe(0);
      expect(await overflowsHorizontally(p), `${url} overflows at 375 px`).toBe(false);
      await h.capture(p, shot);
    }
    await phone.close();
  }, 60_000);

  it('works with the keyboard alone: sign-in, skip link, navigation, forms, visible focus', async () => {
    const kb = await h.newContext();
    const p = await kb.newPage();
    await p.goto('/');
    await p.getByRole('heading', { name: 'Sign in to Blogsmith' }).waitFor();
    await tabTo(p, (t) => t === 'Email');
    expect(await focusIsVisible(p)).toBe(true);
    await p.keyboard.type(owner.email);
    await p.keyboard.press('Tab');
    await p.keyboard.type(owner.password);
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

    // On a freshly loaded page the first Tab reaches the skip link; Enter moves focus to the content.
    await p.reload();
    await p.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    expect(await focusIsVisible(p)).toBe(true);
    await p.keyboard.press('Enter');
    await poll(() => p.evaluate(() => document.activeElement?.id)).toBe('main');

    // Navigate to Knowledge with Tab + Enter on its link, then use the search form.
    await p.keyboard.press('Shift+Tab');
    await tabTo(p, (t) => t === 'Knowledge');
    expect(await focusIsVisible(p)).toBe(true);
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { level: 1, name: 'Knowledge' }).waitFor();
    await tabTo(p, (t) => t === 'Search passages');
    await p.keyboard.type('inverters');
    await p.keyboard.press('Enter');
    await poll(() => p.locator('.passages li').count()).toBeGreaterThan(0);

    // The brief form: focus lands on the topic; a server validation error moves focus to its field.
    await p.goto('/articles/new');
    await p.getByRole('heading', { level: 1, name: 'New article' }).waitFor();
    expect(await p.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('topic');
    await tabTo(p, (t) => t.startsWith('Length in words'));
    await p.keyboard.press('ControlOrMeta+A');
    await p.keyboard.type('50');
    await tabTo(p, (t) => t.startsWith('Web pages to use'));
    await p.keyboard.type('https://example.com/ok\nnot a url');
    await tabTo(p, (t) => t === 'Generate article');
    expect(await focusIsVisible(p)).toBe(true);
    await p.keyboard.press('Enter');
    const invalid = p.locator('[aria-invalid="true"]');
    await poll(() => invalid.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // The topic (required) and the word count (min 300) are both flagged at their fields.
    await poll(() => p.getByLabel('Topic').getAttribute('aria-invalid')).toBe('true');
    await poll(() => p.getByLabel('Length in words').getAttribute('aria-invalid')).toBe('true');
    // `research.urls.1` lands on the URL field as "Line 2: …".
    const urls = p.getByLabel('Web pages to use (optional)');
    await poll(() => urls.getAttribute('aria-invalid')).toBe('true');
    const urlsError = (await urls.getAttribute('aria-describedby'))?.split(' ').at(-1);
    expect(await p.locator(`[id="${urlsError}"]`).textContent()).toMatch(/^Line 2: /);
    await expect
      .poll(() => p.evaluate(() => document.activeElement?.getAttribute('aria-invalid')))
      .toBe('true');
    await h.capture(p, '15-brief-errors');

    // The editor: a citation marker is a button reached by Tab; Enter shows its source.
    await p.goto(articleUrl);
    await p.getByLabel('Markdown').waitFor();
    await tabTo(p, (t) => t.startsWith('Show source 1'), 200);
    expect(await focusIsVisible(p)).toBe(true);
    await p.keyboard.press('Enter');
    await p.getByTestId('source-detail').waitFor();
    await poll(() => p.evaluate(() => document.activeElement?.id)).toBe('cited-source-1');
    await kb.close();
  }, 60_000);

  it('logged no console errors or page errors', () => {
    expect(h.problems).toEqual([]);
  });

  it('had no serious or critical accessibility violations (axe-core) on any captured page', () => {
    expect(h.accessibility).toEqual([]);
  });
});
