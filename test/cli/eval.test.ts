// `blogsmith eval` as a user runs it on the embedded database: the report files are written and the
// report is stored in the workspace, where the web app's Quality page reads it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createRuntime } from '../../src/runtime.ts';
import { articleModelResponder } from '../fakes/article-model.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { cliRun, runCli, testSecretKey } from '../support/processes.ts';

let llm: FakeServer;
const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-eval-cli-'));

beforeAll(async () => {
  llm = await startOpenAiServer();
  llm.responder = articleModelResponder();
});
afterAll(async () => {
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ DATA_DIR: dir, OPENAI_COMPATIBLE_BASE_URL: llm.baseUrl, LLM_CACHE_TTL: '0' });

/** `blogsmith eval` of the fake writer, judged by the fake judge, on the first `briefs` briefs. */
const fakeEvalStored = (briefs: number, out: string, ...more: string[]) => [
  'eval',
  '--model',
  'compatible:fake-writer',
  '--judge',
  'compatible:judge',
  '--briefs',
  String(briefs),
  '--out',
  out,
  ...more,
];
/** The same, the report kept out of the workspace. */
const fakeEval = (briefs: number, out: string, ...more: string[]) => [
  ...fakeEvalStored(briefs, out, ...more),
  '--no-store',
];

describe('blogsmith eval', { timeout: 300_000 }, () => {
  it('writes the report files and stores the report in the workspace', async () => {
    const created = await cliRun(
      ['user', 'create', '--email', 'e@example.com', '--password', 'eval-password'],
      env(),
    );
    expect(created.code, created.stderr).toBe(0);
    const out = path.join(dir, 'results');
    const r = await cliRun(fakeEvalStored(1, out), env());
    expect(r.code, r.stderr).toBe(0);
    const stored = /Stored in the workspace \(report ([0-9a-f-]{36})\)/.exec(r.stderr);
    expect(stored, r.stderr).not.toBeNull();
    const written = JSON.parse(readFileSync(path.join(out, 'eval-report.json'), 'utf8'));

    // The command has exited: the data directory is free to open and read back.
    const runtime = await createRuntime(
      loadConfig({ ...env(), SECRET_KEY: testSecretKey, LOG_LEVEL: 'silent' }),
      { logger: pino({ level: 'silent' }) },
    );
    try {
      const { rows } = await runtime.database.query<{ id: string; report: unknown; email: string }>(
        `SELECT r.id, r.report, u.email FROM eval_reports r JOIN users u ON u.id = r.created_by`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.id).toBe(stored![1]);
      expect(rows[0]!.email).toBe('e@example.com');
      expect(rows[0]!.report).toEqual(written);
    } finally {
      await runtime.close();
    }
  });

  it('exits 1 when every article of a model failed, the report written all the same', async () => {
    const broken = await startOpenAiServer();
    broken.responder = () => ({ type: 'error', status: 401, message: 'Incorrect API key provided' });
    try {
      const out = path.join(dir, 'failed-results');
      const r = await cliRun(fakeEval(1, out), {
        ...env(),
        OPENAI_COMPATIBLE_BASE_URL: broken.baseUrl,
        ARTICLE_STEP_ATTEMPTS: '1',
      });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/Every article failed for compatible:fake-writer: see the report for why/);
      const written = JSON.parse(readFileSync(path.join(out, 'eval-report.json'), 'utf8'));
      expect(written.models[0].articles[0].status).toBe('failed');
    } finally {
      await broken.close();
    }
  });

  it('exits 1 naming the bars a model missed, for a CI job to gate on', async () => {
    const out = path.join(dir, 'gated-results');
    // The fake writer leaves its intro and conclusion uncited: its recall is below 1.
    const r = await cliRun(fakeEval(1, out, '--min-citation-recall', '1', '--max-failed', '0'), env());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /Below the bars set:\n {2}compatible:fake-writer: citation recall \d+\.\d % < 100\.0 %\n/,
    );
    expect(r.stderr).not.toMatch(/articles failed or unjudged/);
    const refused = await cliRun(['eval', '--min-claim-support', '80', '--out', out], env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--min-claim-support takes a share from 0 to 1, e\.g\. 0\.8 \(got "80"\)/);
  });

  it('keeps what finished when stopped with Ctrl-C: the report of the articles written, marked interrupted', async () => {
    const out = path.join(dir, 'interrupted-results');
    const child = runCli(fakeEval(3, out), { LOG_LEVEL: 'silent', SECRET_KEY: testSecretKey, ...env() });
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await expect.poll(() => stderr.includes(' 1/3 '), { timeout: 120_000 }).toBe(true);
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(stderr).toContain('Stopping after the article being written');
    const written = JSON.parse(readFileSync(path.join(out, 'eval-report.json'), 'utf8'));
    expect(written.interrupted).toBe(true);
    const finished = written.models[0].articles.length;
    expect(finished).toBeGreaterThanOrEqual(1);
    expect(finished).toBeLessThan(3);
    expect(readFileSync(path.join(out, 'eval-report.md'), 'utf8')).toContain('**Interrupted**');
  });

  it('refuses a model name, a report folder or a missing model before the first article, not after the last', async () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    for (const [args, refusal] of [
      [['--model', 'fake-writer'], /^Error: --model "fake-writer" must be written provider:model$/m],
      [
        ['--model', 'compatible:w', '--judge', 'judge:'],
        /^Error: --judge "judge:" must be written provider:model$/m,
      ],
      [['--out', file], /^Error: --out .*a-file: cannot be written \(not a folder\)$/m],
      [
        ['--out', path.join(file, 'inside')],
        /^Error: --out .*: cannot be written \(.*a-file is not a folder\)$/m,
      ],
      // The lab runs without the workspace's LLM settings: no model named is nothing to evaluate.
      [[], /^Error: No model to evaluate: pass --model provider:model or set LLM_MODEL$/m],
    ] as const) {
      const r = await cliRun(['eval', '--briefs', '1', '--no-store', ...args], env());
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(refusal);
      expect(r.stderr, args.join(' ')).not.toMatch(/\[#*-*\] 1\/1/);
    }
  });
});
