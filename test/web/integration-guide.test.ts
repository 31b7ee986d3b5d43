// The brief form's integration guide in Chromium (F14): "Integration guide" offers the library's
// OpenAPI documents only, lists the chosen spec's operations and the samples' languages, refuses a
// guide without a spec at its field, and writes the guide asked for — the brief the API stored is
// what was ticked, and the finished guide holds the generated samples. Axe, no console errors.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleModelResponder } from '../fakes/article-model.ts';
import { petstore } from '../guides/specs.ts';
import { connectedOwner } from './connected-owner.ts';
import { startWebHarness, type WebHarness } from './harness.ts';

const poll = <T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}) =>
  expect.poll(fn, { timeout: 10_000, ...options });

describe('an integration guide from the brief form in Chromium', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let page: Page;
  let specId: string;

  const upload = async (name: string, mimeType: string, text: string) => {
    const res = await context.request.post('/api/v1/documents', {
      headers: { origin: h.server.base },
      multipart: { file: { name, mimeType, buffer: Buffer.from(text) } },
    });
    expect(res.status()).toBe(202);
    return (await res.json()).id as string;
  };

  beforeAll(async () => {
    h = await startWebHarness({ LLM_CACHE_TTL: '0' });
    h.llm.responder = articleModelResponder();
    context = await h.newContext({ width: 1280, height: 900 });
    await connectedOwner(h, context);
    page = await context.newPage();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('says where specs come from while the library has none', async () => {
    await page.goto('/articles/new');
    await page.getByRole('heading', { level: 1, name: 'New article' }).waitFor();
    const kind = page.getByRole('group', { name: 'What to write' });
    expect(await kind.getByRole('radio', { name: 'Article' }).isChecked()).toBe(true);
    expect(await page.getByRole('group', { name: 'Integration guide' }).count()).toBe(0);
    await kind.getByRole('radio', { name: 'Integration guide' }).check();
    const guide = page.getByRole('group', { name: 'Integration guide' });
    await guide.getByText('No OpenAPI documents yet.').waitFor();
    expect(await guide.getByRole('link', { name: 'Upload a spec' }).getAttribute('href')).toBe('/knowledge');
    expect(await page.getByRole('button', { name: 'Generate guide' }).count()).toBe(1);
    await h.capture(page, 'integration-guide-01-no-spec');
  }, 60_000);

  it('offers the library’s specs only, their operations and languages, and refuses a guide without a spec', async () => {
    specId = await upload('petstore.json', 'application/json', JSON.stringify(petstore(8080)));
    await upload('adoption-notes.txt', 'text/plain', 'Notes on adopting pets: visit the shelter first.');
    await page.goto('/articles/new');
    await page
      .getByRole('group', { name: 'What to write' })
      .getByRole('radio', { name: 'Integration guide' })
      .check();
    const select = page.getByRole('combobox', { name: 'OpenAPI document' });
    await select.waitFor();
    expect(await select.locator('option').allTextContents()).toEqual(['Choose a spec…', 'Pet Store']);

    // No spec chosen: the API's refusal lands at the picker.
    await page.getByLabel('Topic').fill('Adopting pets with the Pet Store API');
    await page.getByRole('button', { name: 'Generate guide' }).click();
    await poll(() => select.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('Choose an OpenAPI document of the knowledge library (its id)').waitFor();
    await h.capture(page, 'integration-guide-02-no-spec-chosen');

    await select.selectOption({ label: 'Pet Store' });
    const operations = page.getByRole('list', { name: 'Operations' });
    await poll(() => operations.getByRole('checkbox').count()).toBe(4);
    expect(await operations.textContent()).toContain('POST /pets — Create a pet');
    await page.getByText("None ticked: all 4 of Pet Store, in the spec's order.").waitFor();
    const languages = page.getByRole('group', { name: 'Code samples in' });
    expect(await languages.getByRole('checkbox', { checked: true }).count()).toBe(3);
    await h.capture(page, 'integration-guide-03-operations');
  }, 60_000);

  it('writes the guide ticked: its operations, its languages, the spec’s samples in the text', async () => {
    const operations = page.getByRole('list', { name: 'Operations' });
    await operations.getByRole('checkbox', { name: /GET \/pets — List pets/ }).check();
    await operations.getByRole('checkbox', { name: /POST \/pets — Create a pet/ }).check();
    await page.getByText('2 ticked.', { exact: false }).waitFor();
    await page
      .getByRole('group', { name: 'Code samples in' })
      .getByRole('checkbox', { name: 'Python (requests)' })
      .uncheck();
    await page.getByLabel('Length in words').fill('600');
    await page.getByRole('button', { name: 'Generate guide' }).click();
    await page.waitForURL(/\/articles\/[0-9a-f-]+\/live$/);
    const id = new URL(page.url()).pathname.split('/')[2]!;
    const read = async () => (await context.request.get(`/api/v1/articles/${id}`)).json();
    expect((await read()).brief).toMatchObject({
      kind: 'integration-guide',
      guide: {
        specDocumentId: specId,
        operations: ['listPets', 'createPet'],
        languages: ['curl', 'javascript'],
      },
    });
    await poll(async () => (await read()).status, { timeout: 90_000 }).toBe('completed');
    const { markdown } = await read();
    expect(markdown.match(/^```(\w+)$/gm)).toEqual(['```sh', '```javascript', '```sh', '```javascript']);
    expect(markdown).toContain("curl 'http://127.0.0.1:8080/v1/pets?limit=2'");
    expect(markdown).not.toContain('```python');
    await page.goto(`/articles/${id}`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await h.capture(page, 'integration-guide-04-written');
  }, 120_000);

  it('had no serious accessibility violations and no console errors', () => {
    expect(h.accessibility).toEqual([]);
    expect(h.problems).toEqual([]);
  });
});
