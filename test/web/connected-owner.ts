// A browser context set up through the API, for tests that start past onboarding: the owner
// created (the context holds the session cookie) and the fake model server connected as every
// text role's model; `completedArticle` an article generated through it, `startWithArticle` both
// on a new harness.
import type { BrowserContext, Page } from 'playwright-core';
import { articleModelResponder } from '../fakes/article-model.ts';
import { owner, startWebHarness, type WebHarness } from './harness.ts';

export const fakeModel = 'compatible:fake-chat';

export async function connectedOwner(h: WebHarness, context: BrowserContext): Promise<void> {
  const origin = { origin: h.server.base };
  const setup = await context.request.post('/api/v1/setup', { data: owner });
  if (setup.status() !== 201) throw new Error(`setup failed: ${setup.status()} ${await setup.text()}`);
  const saved = await context.request.put('/api/v1/llm/settings', {
    headers: origin,
    data: {
      credentials: { compatible: { baseUrl: h.llm.baseUrl } },
      roleModels: { planner: fakeModel, writer: fakeModel, checker: fakeModel },
    },
  });
  if (saved.status() !== 200) throw new Error(`settings failed: ${saved.status()} ${await saved.text()}`);
}

/** An article generated through the API (with the fake model answering) and waited for; its id. */
export async function completedArticle(
  h: WebHarness,
  context: BrowserContext,
  topic: string,
): Promise<string> {
  const created = await context.request.post('/api/v1/articles', {
    headers: { origin: h.server.base },
    data: { topic, words: 600 },
  });
  if (created.status() !== 202) throw new Error(`create failed: ${created.status()} ${await created.text()}`);
  const id = (await created.json()).id as string;
  for (let status = ''; status !== 'completed'; await new Promise((r) => setTimeout(r, 250))) {
    status = (await (await context.request.get(`/api/v1/articles/${id}`)).json()).status;
    if (status === 'failed' || status === 'cancelled') throw new Error(`the article ${status}`);
  }
  return id;
}

/** A harness (no response cache) whose owner is connected, one completed article, and a page. */
export async function startWithArticle(
  topic: string,
): Promise<{ h: WebHarness; context: BrowserContext; page: Page; articleId: string }> {
  const h = await startWebHarness({ LLM_CACHE_TTL: '0' });
  h.llm.responder = articleModelResponder();
  const context = await h.newContext();
  await connectedOwner(h, context);
  const articleId = await completedArticle(h, context, topic);
  return { h, context, page: await context.newPage(), articleId };
}
