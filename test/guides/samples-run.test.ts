// The samples work: each operation's JavaScript sample run by Node, its curl sample by the curl
// binary and its Python sample by python3 with requests, against a fake API that implements the
// spec strictly (test/fakes/spec-api-server.ts) — the right operation is reached with its
// parameters, credentials and a body its schema accepts, and the sample prints the answer.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuide, type GuideBuild, type GuideOperation } from '../../src/guides/build-guide.ts';
import type { SampleLanguage } from '../../src/guides/languages.ts';
import { type SpecApiServer, startSpecApi } from '../fakes/spec-api-server.ts';
import { awkwardName, billing31, petstore, shopSwagger } from './specs.ts';

// The binaries the samples are written for, where this machine has them (curl is Debian's
// package; requests is Python's usual HTTP library).
const hasCurl = spawnSync('curl', ['--version']).status === 0;
const hasPython = spawnSync('python3', ['-c', 'import requests']).status === 0;
if (!hasCurl) console.warn('curl is not installed here: the curl samples are not run');
if (!hasPython) console.warn('python3 with requests is not installed here: the Python samples are not run');

// The credentials the fake API expects, by security scheme, and the variables the samples read.
const secrets = {
  bearerAuth: 'tok-3f1c',
  adminKey: 'adm-77',
  api_key: 'key-$(id)-9',
  basicAuth: 'ann:p\'w"d',
};
const environment = {
  BEARER_AUTH_TOKEN: secrets.bearerAuth,
  ADMIN_KEY: secrets.adminKey,
  API_KEY: secrets.api_key,
  BASIC_AUTH_USERNAME: 'ann',
  BASIC_AUTH_PASSWORD: `p'w"d`,
};

const dir = mkdtempSync(join(tmpdir(), 'guide-run-'));
writeFileSync(join(dir, 'file.bin'), 'attached bytes');

function run(
  language: SampleLanguage,
  code: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const file = join(
    dir,
    language === 'javascript' ? 'sample.mjs' : language === 'python' ? 'sample.py' : 'sample.sh',
  );
  writeFileSync(file, code);
  const command = language === 'javascript' ? process.execPath : language === 'python' ? 'python3' : 'sh';
  return new Promise((resolve) => {
    const child = spawn(command, [file], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, ...environment },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const languages = (['javascript', 'curl', 'python'] as const).filter(
  (l) => (l !== 'curl' || hasCurl) && (l !== 'python' || hasPython),
);

/** Runs every sample of the guide and checks what the API received and what the sample printed. */
async function runsEverySample(api: SpecApiServer, guide: GuideBuild) {
  for (const op of guide.operations) {
    for (const language of languages) {
      const code = op.samples.find((s) => s.language === language)!.code;
      const before = api.handled.length;
      const result = await run(language, code);
      const refused = api.refused.at(-1);
      expect(result.status, `${op.key} in ${language}: ${result.stderr} ${refused?.reason ?? ''}`).toBe(0);
      expect(api.handled.length, `${op.key} in ${language} reached the API once`).toBe(before + 1);
      const handled = api.handled.at(-1)!;
      expect(handled.operation).toBe(op.key);
      expectPrinted(op, api, result.stdout, language);
    }
  }
  expect(api.refused).toEqual([]);
}

function expectPrinted(op: GuideOperation, api: SpecApiServer, stdout: string, language: SampleLanguage) {
  const answer = api.answerOf(op.key);
  if (answer === undefined) {
    // No content: JavaScript and Python print the status, curl nothing.
    if (language !== 'curl') expect(stdout.trim()).toMatch(/^20\d$/);
    return;
  }
  if (typeof answer === 'string') expect(stdout.trim()).toBe(answer);
  else expect(JSON.parse(stdout)).toEqual(answer);
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an OpenAPI 3.0 spec’s samples', () => {
  let api: SpecApiServer;
  let guide: GuideBuild;
  beforeAll(async () => {
    api = await startSpecApi((port) => JSON.stringify(petstore(port)), secrets);
    const outcome = buildGuide(JSON.stringify(petstore(api.port)), { languages });
    if ('issues' in outcome) throw new Error(JSON.stringify(outcome.issues));
    guide = outcome.guide;
  });
  afterAll(() => api?.close());

  it('reach each operation and print its answer', async () => {
    await runsEverySample(api, guide);
    // The nested body arrived as the spec's example, its awkward text intact in every language.
    const created = api.handled.filter((h) => h.operation === 'createPet');
    expect(created).toHaveLength(languages.length);
    for (const h of created)
      expect(h.body).toEqual({
        name: awkwardName,
        birthday: '2024-01-15',
        owner: { email: 'user@example.com', address: { street: 'string', city: 'Lisbon' } },
        tags: [{ label: 'dog' }],
      });
  }, 60_000);

  it('are refused by the API without their credentials: the fake checks them', async () => {
    const code = guide.operations[0]!.samples.find((s) => s.language === 'javascript')!.code;
    const result = await run('javascript', code.replace('process.env.BEARER_AUTH_TOKEN', "'wrong'"));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('Request failed: 401');
    api.refused.length = 0;
  });
});

describe('a Swagger 2.0 spec’s samples', () => {
  let api: SpecApiServer;
  beforeAll(async () => {
    api = await startSpecApi((port) => shopSwagger(port), secrets);
  });
  afterAll(() => api?.close());

  it('reach each operation, the API key in the query and the form fields typed', async () => {
    const outcome = buildGuide(shopSwagger(api.port), { languages });
    if ('issues' in outcome) throw new Error(JSON.stringify(outcome.issues));
    await runsEverySample(api, outcome.guide);
    for (const h of api.handled.filter((x) => x.operation === 'addNote'))
      expect(h.body).toEqual({ text: 'Leave it at the door', urgent: true });
  }, 60_000);
});

describe('an OpenAPI 3.1 spec’s samples, its server relative to where the spec was fetched', () => {
  let api: SpecApiServer;
  beforeAll(async () => {
    api = await startSpecApi(JSON.stringify(billing31()), secrets);
  });
  afterAll(() => api?.close());

  it('reach each operation with basic auth, a cookie and a multipart upload', async () => {
    const outcome = buildGuide(JSON.stringify(billing31()), {
      languages,
      specUrl: `${api.url}/docs/billing.json`,
    });
    if ('issues' in outcome) throw new Error(JSON.stringify(outcome.issues));
    expect(outcome.guide.api.baseUrl).toBe(`${api.url}/v3`);
    await runsEverySample(api, outcome.guide);
    for (const h of api.handled.filter((x) => x.operation === 'attach'))
      expect(h.body).toEqual({ note: 'Signed copy', file: 'attached bytes' });
  }, 60_000);
});
