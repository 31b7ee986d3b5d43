// `blogsmith tools`, `blogsmith tool` and `blogsmith remix` as a user runs them: real processes on the
// embedded database, the API started inside the command, the fake model answering.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xLength } from '../../src/tools/x-length.ts';
import { articleModelResponder } from '../fakes/article-model.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { toolModelResponder } from '../fakes/tool-model.ts';
import { cliRun } from '../support/processes.ts';

let llm: FakeServer;
let dir: string;

beforeAll(async () => {
  llm = await startOpenAiServer();
  const tools = toolModelResponder();
  const articles = articleModelResponder();
  llm.responder = (req) => tools(req) ?? articles(req);
  dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-tools-'));
});
afterAll(async () => {
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({
  DATA_DIR: dir,
  OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
  LLM_MODEL: 'compatible:fake-writer',
  LLM_PRICES_JSON: JSON.stringify({ 'compatible:fake-writer': { input: 0.15, output: 0.6 } }),
});

// Real processes: the timeouts guard against hangs on a loaded machine, they are not speed targets.
describe('blogsmith tools, tool and remix', { timeout: 240_000 }, () => {
  it('lists the templates with their options, without a database', async () => {
    const r = await cliRun(['tools'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^social-post {7}Posts for X/m);
    expect(r.stdout).toContain('  --platform x|linkedin|facebook|instagram|threads (default x)');
    expect(r.stdout).toContain('  --topic (required)');
  });

  it('runs a template from its options and prints the variants, the cost to stderr', async () => {
    const created = await cliRun(
      ['user', 'create', '--email', 'w@example.com', '--password', 'writer-password'],
      env(),
    );
    expect(created.code, created.stderr).toBe(0);
    const r = await cliRun(
      [
        'tool',
        'social-post',
        '--topic',
        'heat pumps for family homes',
        '--platform',
        'x',
        '--variants',
        '2',
        '--call-to-action=Read the guide',
      ],
      env(),
    );
    expect(r.code, r.stderr).toBe(0);
    const posts = r.stdout.split(/^--- \d ---\n/m).filter(Boolean);
    expect(posts).toHaveLength(2);
    expect(r.stdout).toContain('heat pumps for family homes');
    expect(r.stderr).toMatch(/fake-writer: \d+ tokens in, \d+ out, \$0\.\d{4}/);
    const sent = llm.requests.at(-1)!.body;
    expect(JSON.stringify(sent.messages)).toContain('Call to action: \\"Read the guide\\"');
  });

  it('refuses an option the template does not take, and a bad value, before any model call', async () => {
    const before = llm.requests.length;
    const stray = await cliRun(['tool', 'social-post', '--topic', 'x', '--colour', 'red'], env());
    expect(stray.code).toBe(1);
    expect(stray.stderr).toMatch(/--colour is not an option of this tool; it takes --platform, --topic/);
    const bad = await cliRun(['tool', 'social-post', '--topic', 'x', '--variants', '9'], env());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--variants: /);
    const unknown = await cliRun(['tool', 'sonnet'], env());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No tool template "sonnet"/);
    expect(llm.requests.length).toBe(before);
  });

  it('remixes a generated article into an X thread whose posts fit', async () => {
    const generated = await cliRun(
      ['generate', 'heat pumps for family homes', '--words', '400', '--no-fact-check', '--json'],
      env(),
    );
    expect(generated.code, generated.stderr).toBe(0);
    const { id } = JSON.parse(generated.stdout) as { id: string };
    const r = await cliRun(['remix', id, '--format', 'x-thread', '--posts', '4'], env());
    expect(r.code, r.stderr).toBe(0);
    const posts = r.stdout.trim().split('\n\n');
    expect(posts.length).toBeGreaterThanOrEqual(3);
    for (const [i, post] of posts.entries()) {
      expect(xLength(post)).toBeLessThanOrEqual(280);
      expect(post.endsWith(` ${i + 1}/${posts.length}`)).toBe(true);
    }
    const wrong = await cliRun(['remix', id, '--format', 'linkedin', '--posts', '4'], env());
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('posts: applies to the x-thread format only');
  });
});
