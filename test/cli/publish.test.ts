// `blogsmith publish` as a user runs it: while `blogsmith serve` holds the data directory (the command
// goes through it), and with no server running (an API and a worker in the command's own process);
// to a fake WordPress and a fake Ghost on this machine. Refusals name the option.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleModelResponder } from '../fakes/article-model.ts';
import { type FakeGhost, startFakeGhost } from '../fakes/ghost-admin.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { type FakeWordpress, startFakeWordpress } from '../fakes/wordpress-rest.ts';
import { cliRun, type ServerProcess, startServerProcess } from '../support/processes.ts';

describe('blogsmith publish', { timeout: 180_000 }, () => {
  let llm: FakeServer;
  let wp: FakeWordpress;
  let ghost: FakeGhost;
  let dir: string;
  let server: ServerProcess | undefined;
  let articleId: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    llm = await startOpenAiServer();
    llm.responder = articleModelResponder();
    [wp, ghost] = await Promise.all([startFakeWordpress(), startFakeGhost()]);
    dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-publish-'));
    env = {
      DATA_DIR: dir,
      OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'compatible:fake-writer',
      FETCH_ALLOW_HOSTS: '127.0.0.1',
    };
    server = await startServerProcess(env);
    const setup = await fetch(`${server.base}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'owner-password' }),
    });
    expect(setup.status).toBe(201);
    const headers = {
      'content-type': 'application/json',
      cookie: String(setup.headers.get('set-cookie')).split(';')[0]!,
      origin: server.base,
    };
    const post = (url: string, body: object) =>
      fetch(`${server!.base}/api/v1${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
    for (const destination of [
      {
        kind: 'wordpress',
        name: 'Company Blog',
        siteUrl: wp.url,
        username: wp.username,
        applicationPassword: wp.password,
      },
      { kind: 'ghost', name: 'Newsletter', siteUrl: ghost.url, adminApiKey: ghost.key },
      {
        kind: 'wordpress',
        name: 'Locked',
        siteUrl: wp.url,
        username: wp.username,
        applicationPassword: 'wrong',
      },
    ])
      expect((await post('/publishing/destinations', destination)).status).toBe(201);
    const article = await post('/articles', {
      topic: 'heat pumps for family homes',
      words: 400,
      factCheck: false,
    });
    articleId = (await article.json()).id;
    for (let status = ''; status !== 'completed'; await new Promise((r) => setTimeout(r, 250))) {
      status = (await (await fetch(`${server.base}/api/v1/articles/${articleId}`, { headers })).json())
        .status;
      if (status === 'failed') throw new Error('the article failed');
    }
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await Promise.all([llm?.close(), wp?.close(), ghost?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes through the running server and prints the post’s address', async () => {
    const r = await cliRun(['publish', articleId, '--to', 'company blog'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(wp.posts.size).toBe(1);
    const [post] = [...wp.posts.values()];
    expect(post!.status).toBe('publish');
    expect(r.stdout).toBe(`Published on Company Blog (wordpress): ${wp.url}/${post!.slug}/\n`);
    expect(r.stderr).toContain('Publishing to Company Blog…');
  });

  it('names the option it refuses, and fails with the site’s own words', async () => {
    const unknown = await cliRun(['publish', articleId, '--to', 'Medium'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      'No publishing destination "Medium": choose one of "Company Blog", "Locked", "Newsletter"',
    );
    const past = await cliRun(
      ['publish', articleId, '--to', 'Newsletter', '--at', '2020-01-01T00:00:00Z'],
      env,
    );
    expect(past.code).toBe(1);
    expect(past.stderr).toContain('--at: Must be at least 2 minutes in the future');
    const both = await cliRun(
      ['publish', articleId, '--to', 'Newsletter', '--draft', '--at', '2030-01-01T00:00:00Z'],
      env,
    );
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--at schedules a post to publish: leave out --draft');
    const locked = await cliRun(['publish', articleId, '--to', 'Locked'], env);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain(
      'Publishing to Locked failed: WordPress answered 401: incorrect_password: The provided password is an invalid application password.',
    );
  });

  it('schedules with --at, and makes a draft with --draft in its own process when no server runs', async () => {
    const at = new Date(Date.now() + 3600_000);
    at.setUTCMilliseconds(0);
    const scheduled = await cliRun(
      ['publish', articleId, '--to', 'Newsletter', '--at', at.toISOString(), '--json'],
      env,
    );
    expect(scheduled.code, scheduled.stderr).toBe(0);
    const publication = JSON.parse(scheduled.stdout);
    expect(publication).toMatchObject({
      state: 'scheduled',
      scheduledFor: at.toISOString(),
      destination: { name: 'Newsletter' },
    });
    expect(ghost.posts.get(publication.remoteId)!.status).toBe('scheduled');

    await server!.stop();
    server = undefined;
    const draft = await cliRun(['publish', articleId, '--to', 'Company Blog', '--draft'], env);
    expect(draft.code, draft.stderr).toBe(0);
    const [post] = [...wp.posts.values()];
    // The same post, made a draft again.
    expect(wp.posts.size).toBe(1);
    expect(post!.status).toBe('draft');
    expect(draft.stdout).toBe(`Draft on Company Blog (wordpress): ${wp.url}/?p=${post!.id}\n`);
  });
});
