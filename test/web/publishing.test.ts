// Publishing in Chromium, to a fake WordPress and a fake Ghost on this machine (allowed by the
// operator's FETCH_ALLOW_HOSTS): Settings › Publishing adds sites (a malformed Ghost key refused at
// its field, credentials never shown again), tests them (the site's own refusal shown); the editor's
// Publish panel publishes now to WordPress and schedules on Ghost, the publications show their state
// and link, the editorial status follows, "Check status" finds the scheduled post live; a viewer sees
// the publications without the controls, an editor no Publishing settings. Axe, no console errors.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleModelResponder } from '../fakes/article-model.ts';
import { type FakeGhost, startFakeGhost } from '../fakes/ghost-admin.ts';
import { type FakeWordpress, startFakeWordpress } from '../fakes/wordpress-rest.ts';
import { completedArticle, connectedOwner } from './connected-owner.ts';
import { invitedMember, signIn, startWebHarness, type WebHarness } from './harness.ts';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

describe('publishing in Chromium', () => {
  let h: WebHarness;
  let wp: FakeWordpress;
  let ghost: FakeGhost;
  let context: BrowserContext;
  let page: Page;
  let articleId: string;

  beforeAll(async () => {
    [wp, ghost] = await Promise.all([startFakeWordpress(), startFakeGhost({ title: 'The Heat Blog' })]);
    h = await startWebHarness({ LLM_CACHE_TTL: '0', FETCH_ALLOW_HOSTS: '127.0.0.1' });
    h.llm.responder = articleModelResponder();
    context = await h.newContext({ width: 1280, height: 900 });
    await connectedOwner(h, context);
    articleId = await completedArticle(h, context, 'Heat pumps for family homes');
    page = await context.newPage();
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await Promise.all([wp?.close(), ghost?.close()]);
  });

  const section = () => page.getByRole('region', { name: 'Publishing' });
  const sites = () => section().getByRole('list', { name: 'Publishing destinations' });
  const stored = async () => (await context.request.get(`/api/v1/articles/${articleId}`)).json();

  it('adds WordPress and Ghost sites in Settings › Publishing and tests their credentials', async () => {
    await page.goto('/settings#publishing');
    const form = section().getByRole('form', { name: 'Add a publishing destination' });
    await form.getByLabel('Platform').selectOption('ghost');
    await form.getByLabel('Name', { exact: true }).fill('Newsletter');
    await form.getByLabel('Site URL').fill(ghost.url);
    await form.getByLabel('Admin API key').fill('not-a-key');
    await form.getByRole('button', { name: 'Add site' }).click();
    await form
      .locator('.field.has-error')
      .getByText(/Ghost Admin API key/)
      .waitFor();
    await form.getByLabel('Admin API key').fill(ghost.key);
    await form.getByRole('button', { name: 'Add site' }).click();
    await sites().getByText('Newsletter').waitFor();

    await form.getByLabel('Platform').selectOption('wordpress');
    await form.getByLabel('Name', { exact: true }).fill('Old blog');
    await form.getByLabel('Site URL').fill(`${wp.url}/wp-admin/`);
    await form.getByLabel('WordPress user name').fill(wp.username);
    await form.getByLabel('Application password').fill('wrong wrong wrong');
    await form.getByRole('button', { name: 'Add site' }).click();
    const old = sites().getByRole('listitem').filter({ hasText: 'Old blog' });
    await old.getByRole('button', { name: 'Test the credentials of Old blog' }).click();
    await old
      .getByRole('alert')
      .getByText(/WordPress answered 401: incorrect_password/)
      .waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await old.getByRole('button', { name: 'Delete Old blog' }).click();
    await poll(() => old.count()).toBe(0);

    await form.getByLabel('Name', { exact: true }).fill('Company blog');
    await form.getByLabel('Site URL').fill(wp.url);
    await form.getByLabel('WordPress user name').fill(wp.username);
    await form.getByLabel('Application password').fill(wp.password);
    await form.getByRole('button', { name: 'Add site' }).click();
    const blog = sites().getByRole('listitem').filter({ hasText: 'Company blog' });
    expect(await blog.textContent()).toContain('credentials …5678');
    await blog.getByRole('button', { name: 'Test the credentials of Company blog' }).click();
    await blog.getByRole('status').getByText('as Erin Editor').waitFor();
    const ghostItem = sites().getByRole('listitem').filter({ hasText: 'Newsletter' });
    await ghostItem.getByRole('button', { name: 'Test the credentials of Newsletter' }).click();
    await ghostItem
      .getByRole('status')
      .getByText(/Connected to The Heat Blog/)
      .waitFor();
    // The secrets are not in what the page can read back.
    const listed = await page.evaluate(async () => (await fetch('/api/v1/publishing/destinations')).text());
    expect(listed).not.toContain(wp.password);
    expect(listed).not.toContain(ghost.key.split(':')[1]);
    await h.capture(page, 'publishing-01-settings');
  }, 60_000);

  it('publishes now to WordPress from the editor; the editorial status follows', async () => {
    await page.goto(`/articles/${articleId}`);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const form = page.getByRole('form', { name: 'Publish' });
    await form.getByLabel('Site', { exact: true }).selectOption({ label: 'Company blog (WordPress)' });
    await form.getByRole('button', { name: 'Publish to Company blog' }).click();
    const item = page
      .getByRole('list', { name: /^Publications of / })
      .getByRole('listitem')
      .filter({ hasText: 'Company blog' });
    await poll(() => item.getAttribute('data-state')).toBe('published');
    const link = item.getByRole('link', { name: 'View the post on Company blog' });
    const href = await link.getAttribute('href');
    expect(href).toMatch(new RegExp(`^${wp.url}/`));
    expect(wp.posts.size).toBe(1);
    const [post] = [...wp.posts.values()];
    expect(href).toBe(`${wp.url}/${post!.slug}/`);
    expect(post!.content).toContain('<!-- wp:');
    await poll(() =>
      page.getByRole('form', { name: 'Editorial status' }).getByLabel('Editorial status').inputValue(),
    ).toBe('published');
    expect((await stored()).editorialStatus).toBe('published');
    await h.capture(page, 'publishing-02-published');
  }, 60_000);

  it('schedules on Ghost, and "Check status" finds the post live once Ghost published it', async () => {
    await page.goto(`/articles/${articleId}`);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const form = page.getByRole('form', { name: 'Publish' });
    await form.getByLabel('Site', { exact: true }).selectOption({ label: 'Newsletter (Ghost)' });
    await form.getByLabel('Schedule', { exact: true }).check();
    // The field starts an hour ahead; a time in the past is refused at the field.
    await form.getByLabel('Goes live at').fill('2020-01-01T10:00');
    await form.getByRole('button', { name: 'Schedule on Newsletter' }).click();
    await form
      .locator('.field.has-error')
      .getByText(/at least 2 minutes in the future/)
      .waitFor();
    const at = new Date(Date.now() + 2 * 3600_000);
    const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await form.getByLabel('Goes live at').fill(local);
    await form.getByRole('button', { name: 'Schedule on Newsletter' }).click();
    const item = page
      .getByRole('list', { name: /^Publications of / })
      .getByRole('listitem')
      .filter({ hasText: 'Newsletter' });
    await poll(() => item.getAttribute('data-state')).toBe('scheduled');
    expect(await item.textContent()).toContain('goes live');
    const [post] = [...ghost.posts.values()];
    expect(post!.status).toBe('scheduled');
    // Published on WordPress already: the article stays published.
    expect((await stored()).editorialStatus).toBe('published');

    ghost.runScheduler(new Date(at.getTime() + 60_000));
    await item.getByRole('button', { name: 'Check status of the post on Newsletter' }).click();
    await poll(() => item.getAttribute('data-state')).toBe('published');
    expect(await item.getByRole('link', { name: 'View the post on Newsletter' }).getAttribute('href')).toBe(
      `${ghost.url}/${post!.slug}/`,
    );
    await h.capture(page, 'publishing-03-synced');
  }, 60_000);

  it('shows a viewer the publications without controls, and an editor no Publishing settings', async () => {
    await invitedMember(h, context, {
      email: 'reader@example.com',
      password: 'a-reader-password',
      role: 'viewer',
    });
    await invitedMember(h, context, {
      email: 'writer@example.com',
      password: 'a-writer-password',
      role: 'editor',
    });
    const other = await h.newContext();
    try {
      const p = await other.newPage();
      await signIn(p, { email: 'reader@example.com', password: 'a-reader-password' });
      await p.goto(`/articles/${articleId}`);
      await p.getByRole('button', { name: 'Publish', exact: true }).click();
      const list = p.getByRole('list', { name: /^Publications of / });
      await list.waitFor();
      expect(await list.getByRole('listitem').count()).toBe(2);
      expect(await p.getByRole('form', { name: 'Publish' }).count()).toBe(0);
      expect(await p.getByRole('button', { name: /Check status/ }).count()).toBe(0);
      await other.clearCookies();
      await signIn(p, { email: 'writer@example.com', password: 'a-writer-password' });
      await p.goto('/settings');
      await p.getByRole('region', { name: 'Brand voices' }).waitFor();
      expect(await p.getByRole('region', { name: 'Publishing' }).count()).toBe(0);
    } finally {
      await other.close();
    }
  }, 60_000);

  it('has no serious accessibility violations and no console errors', () => {
    expect(h.accessibility).toEqual([]);
    expect(h.problems).toEqual([]);
  });
});
