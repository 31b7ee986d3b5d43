// `blogsmith generate` as a user runs it: on the embedded database with no server running, and
// while `blogsmith serve` holds the data directory (the command then goes through the server).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageHtml, sourcePages } from '../articles/support.ts';
import { articleModelResponder } from '../fakes/article-model.ts';
import { startFakeWeb } from '../fakes/fake-web.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { html, type LocalServer, startServer } from '../research/local-server.ts';
import { cliRun, runCli, type ServerProcess, startServerProcess } from '../support/processes.ts';

let llm: FakeServer;
let web: LocalServer;
const dirs: string[] = [];
const servers: ServerProcess[] = [];

beforeAll(async () => {
  llm = await startOpenAiServer();
  llm.responder = articleModelResponder();
  web = await startServer({ '/heat-pumps': (_req, res) => html(res, pageHtml(sourcePages['/heat-pumps']!)) });
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  await llm.close();
  await web.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function envFor(dataDir: string) {
  return {
    DATA_DIR: dataDir,
    OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'compatible:fake-writer',
    LLM_PRICES_JSON: JSON.stringify({ 'compatible:fake-writer': { input: 0.15, output: 0.6 } }),
    FETCH_ALLOW_HOSTS: '127.0.0.1',
  };
}

async function workspaceDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-generate-'));
  dirs.push(dir);
  const created = await cliRun(
    ['user', 'create', '--email', 'w@example.com', '--password', 'writer-password'],
    envFor(dir),
  );
  expect(created.code, created.stderr).toBe(0);
  return dir;
}

// Real processes: the timeouts guard against hangs on a loaded machine, they are not speed targets.
describe('blogsmith generate', { timeout: 180_000 }, () => {
  it('writes a cited article to --out with step progress and the running cost', async () => {
    const dir = await workspaceDir();
    const out = path.join(dir, 'article.md');
    const r = await cliRun(
      [
        'generate',
        'heat pumps for family homes',
        '--words',
        '600',
        '--url',
        `${web.url}/heat-pumps`,
        '--keywords',
        'heat pumps,bills',
        '--out',
        out,
      ],
      envFor(dir),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✓ plan completed/);
    expect(r.stderr).toMatch(/✓ section:0 completed/);
    expect(r.stderr).toMatch(/source \[1\] How heat pumps cut heating bills/);
    expect(r.stderr).toMatch(/✓ completed — total \$0\.\d{4}/);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toMatch(/^---\ntitle: /);
    expect(markdown).toMatch(/keywords:\n {2}- heat pumps\n {2}- bills/);
    expect(markdown).toMatch(/\[1\]/);
    expect(markdown).toContain('## References');
  });

  it('says "price unknown" for a model without a price, and with a budget refuses it before any request', async () => {
    const dir = await workspaceDir();
    const unpriced = { ...envFor(dir), LLM_PRICES_JSON: '' };
    const out = path.join(dir, 'article.md');
    const free = await cliRun(
      ['generate', 'heat pumps', '--words', '400', '--no-seo', '--out', out],
      unpriced,
    );
    expect(free.code, free.stderr).toBe(0);
    expect(free.stderr).toContain('✓ completed — total price unknown (no price for compatible:fake-writer)');
    expect(free.stderr).not.toMatch(/total \$0\.0000/);

    const before = llm.requests.length;
    const budgeted = await cliRun(
      ['generate', 'heat pumps on a budget', '--words', '400', '--no-seo', '--out', out],
      { ...unpriced, LLM_MONTHLY_BUDGET_USD: '0.0005' },
    );
    expect(budgeted.code).not.toBe(0);
    expect(budgeted.stderr).toContain(
      'No price is known for compatible:fake-writer, so the monthly budget cannot be enforced',
    );
    expect(llm.requests.length).toBe(before);
  });

  it('--file adds the document to the library and writes from it', async () => {
    const dir = await workspaceDir();
    const notes = path.join(dir, 'field-notes.md');
    writeFileSync(
      notes,
      `# Field notes on heat pumps\n\n${sourcePages['/heat-pumps']!.paragraphs.join('\n\n')}\n`,
    );
    const out = path.join(dir, 'article.md');
    const r = await cliRun(
      [
        'generate',
        'heat pumps for family homes',
        '--words',
        '400',
        '--no-seo',
        '--file',
        notes,
        '--out',
        out,
      ],
      envFor(dir),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Added field-notes\.md to the library as "Field notes on heat pumps"/);
    const markdown = readFileSync(out, 'utf8');
    // The uploaded document is the article's cited source.
    expect(markdown).toMatch(
      /sources:\n {2}- "n": 1\n {4}title: Field notes on heat pumps.*\n {4}documentId: /,
    );
    expect(markdown).toMatch(/\[1\]/);
  });

  it('goes through the running server when `blogsmith serve` holds the data directory', async () => {
    const dir = await workspaceDir();
    const server = await startServerProcess(envFor(dir));
    servers.push(server);
    const r = await cliRun(['generate', 'remote runs', '--words', '400', '--no-seo', '--json'], envFor(dir));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Using the server at http://`);
    const article = JSON.parse(r.stdout);
    expect(article).toMatchObject({ status: 'completed', grounded: false });
    const list = await fetch(`${server.base}/api/v1/articles`);
    expect(list.status).toBe(401);
  });

  it('--web-sources searches the web and keeps at most that many pages', async () => {
    const dir = await workspaceDir();
    const fakeWeb = await startFakeWeb();
    try {
      const r = await cliRun(
        ['generate', 'heat pumps for family homes', '--words', '400', '--web-sources', '3', '--json'],
        {
          ...envFor(dir),
          SEARXNG_URL: fakeWeb.url,
        },
      );
      expect(r.code, r.stderr).toBe(0);
      const article = JSON.parse(r.stdout);
      expect(article.brief.research).toMatchObject({ web: true, maxWebSources: 3 });
      expect(article.sources).toHaveLength(3);
      expect(article.sources.every((s: { kind: string }) => s.kind === 'web')).toBe(true);
    } finally {
      await fakeWeb.close();
    }
  });

  it('refuses a bad number or a path it cannot use before any work starts', async () => {
    const dir = await workspaceDir();
    const sent = llm.requests.length;
    const refusals: Array<[string[], RegExp]> = [
      [['--words', 'abc'], /--words takes a whole number greater than 0 \(got "abc"\)/],
      [['--words', '1e3'], /--words takes a whole number/],
      [['--web-sources', '-2'], /--web-sources takes a whole number/],
      [['--file', path.join(dir, 'missing.pdf')], /--file .*missing\.pdf: cannot be read \(ENOENT\)/],
      [['--file', dir], /--file .*: cannot be read \(not a file\)/],
      [['--out', path.join(dir, 'no-such-folder', 'a.md')], /--out .*a\.md: cannot be written \(ENOENT\)/],
      [['--out', dir], /--out .*: cannot be written \(a folder\)/],
    ];
    for (const [args, reason] of refusals) {
      const r = await cliRun(['generate', 'heat pumps', ...args], envFor(dir));
      expect(r.code, args.join(' ')).toBe(1);
      // One line, the reason: no trace, no progress.
      expect(r.stderr.trim().split('\n'), args.join(' ')).toEqual([expect.stringMatching(/^Error: /)]);
      expect(r.stderr).toMatch(reason);
    }
    expect(llm.requests.length).toBe(sent);
  });

  it('puts the Markdown on stdout when --out cannot be written at the end', async () => {
    const dir = await workspaceDir();
    // Writable when checked, full when written to.
    const r = await cliRun(
      ['generate', 'heat pumps for family homes', '--words', '600', '--out', '/dev/full'],
      envFor(dir),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /Error: Could not write \/dev\/full \(ENOSPC\): the Markdown went to stdout instead; the article is kept as [0-9a-f-]{36}/,
    );
    expect(r.stdout).toMatch(/^---\ntitle: /);
    expect(r.stdout).toContain('## ');
  });

  it('says in one line that no model is configured, with no log line of its own API before it', async () => {
    const dir = await workspaceDir();
    const { OPENAI_COMPATIBLE_BASE_URL: _, LLM_MODEL: __, ...withoutModel } = envFor(dir);
    const r = await cliRun(['generate', 'heat pumps'], withoutModel);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'Using this process',
      expect.stringMatching(/^Error: No language model is configured for planner, writer, checker: /),
    ]);
  });

  it('exits non-zero with the reason when the brief is refused, naming the option rather than the API field', async () => {
    const dir = await workspaceDir();
    const r = await cliRun(['generate', 'x', '--words', '50000'], envFor(dir));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ {2}- --words: Too big: expected number to be <=\d+$/m);
    const sources = await cliRun(['generate', 'x', '--web-sources', '21'], envFor(dir));
    expect(sources.code).toBe(1);
    expect(sources.stderr).toMatch(/^ {2}- --web-sources: Too big: expected number to be <=20$/m);
    const urls = await cliRun(
      ['generate', ' ', '--url', 'https://example.com/a', '--url', 'example.com/b'],
      envFor(dir),
    );
    expect(urls.code).toBe(1);
    expect(urls.stderr).toMatch(/^Error: Invalid options$/m);
    expect(urls.stderr).toMatch(/^ {2}- <topic>: Must not be blank$/m);
    expect(urls.stderr).toMatch(/^ {2}- --url example\.com\/b: Must be an http\(s\) URL$/m);
    const headings = await cliRun(['generate', 'x', '--heading', 'Costs', '--heading', 'costs'], envFor(dir));
    expect(headings.code).toBe(1);
    expect(headings.stderr).toMatch(/^ {2}- --heading: Repeats heading 1 \("Costs"\)/m);
    const language = await cliRun(['generate', 'x', '--language', 'no_such_tag'], envFor(dir));
    expect(language.code).toBe(1);
    expect(language.stderr).toMatch(/^ {2}- --language: Must be a BCP 47 language tag/m);
  });

  it('takes the title, language, section headings and brand voice of the brief as options', async () => {
    const dir = await workspaceDir();
    const r = await cliRun(
      [
        'generate',
        'Wärmepumpen für Familienhäuser',
        '--words',
        '400',
        '--title',
        'Wärmepumpen im Alltag',
        '--language',
        'de',
        '--heading',
        'Kosten',
        '--heading',
        'Förderung',
        '--no-seo',
        '--json',
      ],
      envFor(dir),
    );
    expect(r.code, r.stderr).toBe(0);
    const article = JSON.parse(r.stdout);
    expect(article.brief).toMatchObject({
      title: 'Wärmepumpen im Alltag',
      language: 'de',
      outline: ['Kosten', 'Förderung'],
    });
    expect(article.markdown).toMatch(/^## Kosten$[\s\S]*^## Förderung$/m);
    const voice = await cliRun(
      ['generate', 'x', '--brand-voice', '6d0f3c2e-8c7a-4a8e-9d55-1f0a3e0b7c11'],
      envFor(dir),
    );
    expect(voice.code).toBe(1);
    expect(voice.stderr).toMatch(/^ {2}- --brand-voice: Unknown brand voice/m);
  });

  it('cancels the run on Ctrl-C, on the server that runs it, before it ends (exit 130)', async () => {
    const dir = await workspaceDir();
    const key = JSON.parse(
      (await cliRun(['apikey', 'create', '--email', 'w@example.com', '--name', 't', '--json'], envFor(dir)))
        .stdout,
    ).key as string;
    const server = await startServerProcess(envFor(dir));
    servers.push(server);
    const fallback = llm.responder;
    llm.responder = () => ({ type: 'hang' });
    try {
      const child = runCli(['generate', 'interrupted runs', '--words', '400'], {
        LOG_LEVEL: 'silent',
        ...envFor(dir),
      });
      let stderr = '';
      child.stderr?.on('data', (d) => {
        stderr += String(d);
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await expect
        .poll(() => /Article ([0-9a-f-]{36}) queued/.exec(stderr)?.[1], { timeout: 60_000 })
        .toBeTruthy();
      const id = /Article ([0-9a-f-]{36}) queued/.exec(stderr)![1];
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toMatch(/Cancelled\./);
      // Already cancelled when the command has ended: the request went out and was answered first.
      const res = await fetch(`${server.base}/api/v1/articles/${id}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(((await res.json()) as { status: string }).status).toBe('cancelled');
    } finally {
      llm.responder = fallback;
    }
  });
});
