// An integration guide end to end (F14): an OpenAPI spec uploaded to the library, its operations
// listed, a guide asked for through POST /articles with the fake writer model, written by the real
// pipeline and worker. The guide cites the spec for every endpoint, holds the samples generated
// from the spec — each once, none of the model's own code — and those samples, taken from the
// article's Markdown, work against a fake API implementing the spec. Briefs naming something that
// is not a spec of the workspace are refused with the field that is wrong.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuide, type GuideBuild } from '../../src/guides/build-guide.ts';
import { closeSpecReaders } from '../../src/guides/spec-pool.ts';
import { injectionPayload } from '../fakes/article-model.ts';
import { type SpecApiServer, startSpecApi } from '../fakes/spec-api-server.ts';
import { petstore } from '../guides/specs.ts';
import { fileForm } from '../knowledge/samples-ingest.ts';
import { login, session } from '../support/accounts.ts';
import { type ArticleEnv, postArticle, startArticleEnv, waitForArticle } from './support.ts';

let env: ArticleEnv;
let api: SpecApiServer;
let specText: string;
let specId: string;
let notesId: string;
const dir = mkdtempSync(join(tmpdir(), 'guide-e2e-'));
const hasCurl = spawnSync('curl', ['--version']).status === 0;

async function upload(cookie: string, bytes: Buffer, name: string): Promise<string> {
  const form = fileForm(bytes, name);
  const res = await env.test.app.inject({
    method: 'POST',
    url: '/api/v1/documents',
    headers: { ...session(cookie), ...form.headers },
    payload: form.payload,
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id;
}

beforeAll(async () => {
  env = await startArticleEnv('pglite', { env: { SIGNUP_ENABLED: 'true' } });
  api = await startSpecApi((port) => JSON.stringify(petstore(port)), {
    bearerAuth: 'tok-e2e',
    adminKey: 'adm-e2e',
  });
  specText = JSON.stringify(petstore(api.port), null, 2);
  specId = await upload(env.cookie, Buffer.from(specText), 'petstore.json');
  notesId = await upload(
    env.cookie,
    Buffer.from('Notes on adopting pets: visit the shelter first.'),
    'notes.txt',
  );
}, 90_000);
afterAll(async () => {
  await env?.close();
  await api?.close();
  await closeSpecReaders();
  rmSync(dir, { recursive: true, force: true });
});

const brief = (guide: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  topic: 'Adopting pets with the Pet Store API',
  words: 900,
  kind: 'integration-guide',
  guide,
  ...extra,
});

describe('the operations of a spec in the library', () => {
  it('lists the library’s specs by type', async () => {
    const res = await env.test.app.inject({
      method: 'GET',
      url: '/api/v1/documents?type=openapi',
      headers: session(env.cookie),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items.map((d: { id: string; type: string }) => [d.id, d.type])).toEqual([
      [specId, 'openapi'],
    ]);
  });

  it('lists them for choosing what a guide explains', async () => {
    const res = await env.test.app.inject({
      method: 'GET',
      url: `/api/v1/documents/${specId}/operations`,
      headers: session(env.cookie),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      title: 'Pet Store',
      version: '2.1.0',
      items: [
        {
          key: 'listPets',
          method: 'GET',
          path: '/pets',
          summary: 'List pets',
          tag: 'pets',
          deprecated: false,
        },
        {
          key: 'createPet',
          method: 'POST',
          path: '/pets',
          summary: 'Create a pet',
          tag: 'pets',
          deprecated: false,
        },
        {
          key: 'showPetById',
          method: 'GET',
          path: '/pets/{petId}',
          summary: 'Info for a specific pet',
          tag: 'pets',
          deprecated: false,
        },
        {
          key: 'deletePet',
          method: 'DELETE',
          path: '/pets/{petId}',
          summary: 'Delete a pet',
          tag: 'admin',
          deprecated: false,
        },
      ],
      nextCursor: null,
    });
  });

  it('refuses a document that is not a spec (400), and one of no document (404)', async () => {
    const notes = await env.test.app.inject({
      method: 'GET',
      url: `/api/v1/documents/${notesId}/operations`,
      headers: session(env.cookie),
    });
    expect(notes.statusCode).toBe(400);
    expect(notes.json().error.message).toMatch(/is a (text|markdown) document, not an OpenAPI spec/);
    const none = await env.test.app.inject({
      method: 'GET',
      url: '/api/v1/documents/00000000-0000-4000-8000-000000000000/operations',
      headers: session(env.cookie),
    });
    expect(none.statusCode).toBe(404);
  });
});

describe('an integration guide written from the spec', () => {
  const operations = ['listPets', 'createPet', 'showPetById'];
  const languages = ['curl', 'javascript'] as const;
  let article: {
    id: string;
    status: string;
    error: string | null;
    markdown: string;
    html: string;
    brief: Record<string, unknown>;
    sources: Array<{ n: number; kind: string; title: string; documentId?: string }>;
    citations: Array<{ sentence: string; sources: number[] }>;
  };
  let expected: GuideBuild;

  beforeAll(async () => {
    const res = await postArticle(env, brief({ specDocumentId: specId, operations, languages }));
    expect(res.statusCode, res.body).toBe(202);
    article = await waitForArticle(env, res.json().id);
    const built = buildGuide(specText, { operations, languages });
    if ('issues' in built) throw new Error(JSON.stringify(built.issues));
    expected = built.guide;
  }, 90_000);

  it('completes, with the brief as asked', () => {
    expect(article.status, article.error ?? '').toBe('completed');
    expect(article.brief).toMatchObject({
      kind: 'integration-guide',
      guide: { specDocumentId: specId, operations, languages: [...languages] },
    });
  });

  it('cites the spec for each endpoint it explains, in the sample’s caption', () => {
    for (const op of expected.operations) {
      const title = `Pet Store: ${op.method} ${op.path} (${op.summary})`;
      const source = article.sources.find((s) => s.title === title);
      expect(source, title).toMatchObject({ kind: 'document', documentId: specId });
      const caption = `**\`${op.method} ${op.path}\`** — ${op.summary} [${source!.n}].`;
      expect(article.markdown).toContain(caption);
      // The caption is a cited sentence the citation check judged.
      expect(
        article.citations.some((c) => c.sources.includes(source!.n) && c.sentence.includes(op.path)),
      ).toBe(true);
    }
    // The reference list names the spec's operations.
    expect(article.markdown).toMatch(/## References[\s\S]*Pet Store: POST \/pets \(Create a pet\)/);
  });

  it('holds every sample generated from the spec once, and none of the model’s own code', () => {
    for (const op of expected.operations)
      for (const sample of op.samples) {
        const block = `\n${sample.code}\n\`\`\``;
        expect(article.markdown.split(block).length - 1, `${op.key} ${sample.language}`).toBe(1);
      }
    // The fake writer invents a code block in each section and forgets a marker: neither shows.
    expect(article.markdown).not.toContain('invented.example');
    expect(article.markdown).not.toMatch(/\{\{\s*sample/i);
    const fences = article.markdown.match(/^```\w+$/gm) ?? [];
    expect(fences).toHaveLength(operations.length * languages.length);
    expect(article.html).toContain('<pre><code class="language-javascript">');
  });

  it('gave the writer the spec as quoted sources and the samples by marker, and obeyed nothing in it', () => {
    const prompts = env.llm.requests.map((r) => JSON.stringify(r.body));
    const sections = prompts.filter((p) => p.includes('Write the body of section'));
    expect(sections.length).toBeGreaterThan(0);
    expect(sections.some((p) => p.includes('<samples>\\n{{sample:S1}}: GET /pets — List pets'))).toBe(true);
    expect(prompts.some((p) => p.includes('never write code blocks yourself'))).toBe(true);
    // The spec's description asks a model to write PWNED; it was quoted data, not an instruction.
    expect(prompts.some((p) => p.includes('IGNORE ALL PREVIOUS INSTRUCTIONS'))).toBe(true);
    expect(article.markdown).not.toContain(injectionPayload);
  });

  it('has samples that work: run from the article against an API implementing the spec', async () => {
    const blocks = [...article.markdown.matchAll(/^```(\w+)\n([\s\S]*?)\n```$/gm)].map((m) => ({
      info: m[1]!,
      code: m[2]!,
    }));
    const runnable = blocks.filter((b) => b.info === 'javascript' || (b.info === 'sh' && hasCurl));
    if (!hasCurl) console.warn('curl is not installed here: the guide’s curl samples are not run');
    const before = api.handled.length;
    for (const [i, block] of runnable.entries()) {
      const file = join(dir, block.info === 'javascript' ? `s${i}.mjs` : `s${i}.sh`);
      writeFileSync(file, block.code);
      const result = await new Promise<{ status: number | null; err: string }>((resolve) => {
        const child = spawn(block.info === 'javascript' ? process.execPath : 'sh', [file], {
          env: { PATH: process.env.PATH ?? '', BEARER_AUTH_TOKEN: 'tok-e2e' },
        });
        let err = '';
        child.stderr.on('data', (d) => {
          err += d;
        });
        child.stdout.resume();
        child.on('close', (status) => resolve({ status, err }));
      });
      expect(result.status, `${block.code}\n${result.err}\n${JSON.stringify(api.refused)}`).toBe(0);
    }
    expect(api.refused).toEqual([]);
    expect(api.handled.slice(before).map((h) => h.operation)).toEqual(
      runnable.map((b) => {
        const op = expected.operations.find((o) => o.samples.some((s) => s.code === b.code));
        return op?.key;
      }),
    );
    expect(runnable.length).toBe(hasCurl ? 6 : 3);
  }, 60_000);
});

describe('a guide section rewritten with an instruction', () => {
  it('keeps its samples: shown to the writer as markers, placed again once', async () => {
    const res = await postArticle(
      env,
      brief(
        { specDocumentId: specId, operations: ['listPets', 'createPet'], languages: ['curl'] },
        { words: 600 },
      ),
    );
    const written = await waitForArticle(env, res.json().id);
    expect(written.status, written.error ?? '').toBe('completed');
    const curlOf = (markdown: string) => markdown.match(/^```sh\n[\s\S]*?\n```$/gm) ?? [];
    const before = curlOf(written.markdown);
    expect(before).toHaveLength(2);
    const section = written.outline.sections.findIndex(
      (s: { sourceIds: number[] }) => s.sourceIds.length > 0,
    );
    const asked = env.llm.requests.length;
    const regenerate = await env.test.app.inject({
      method: 'POST',
      url: `/api/v1/articles/${written.id}/sections/${section}/regenerate`,
      headers: session(env.cookie),
      payload: { instruction: 'Make it shorter.' },
    });
    expect(regenerate.statusCode, regenerate.body).toBe(202);
    const after = await waitForArticle(
      env,
      written.id,
      (a) => (a as { regeneration?: unknown }).regeneration === null && a.status === 'completed',
    );
    expect(after.error).toBeNull();
    expect(after.steps).toContainEqual(
      expect.objectContaining({ name: `section:${section}#r1`, status: 'completed' }),
    );
    // Each sample still once, as generated; none invented.
    expect(curlOf(after.markdown).sort()).toEqual([...before].sort());
    expect(after.markdown).not.toContain('invented.example');
    const rewrite = env.llm.requests
      .slice(asked)
      .map((r) => JSON.stringify(r.body))
      .find((p) => p.includes('<current_text>'));
    expect(rewrite).toBeDefined();
    expect(rewrite).toMatch(/<current_text>[\s\S]*\{\{sample:S\d\}\}[\s\S]*<\/current_text>/);
    expect(rewrite).not.toMatch(/<current_text>[\s\S]*curl [\s\S]*<\/current_text>/);

    // A copy keeps the text, not the research its samples are stored with: its section is not
    // rewritten around samples it no longer has, and says why.
    const copy = await env.test.app.inject({
      method: 'POST',
      url: `/api/v1/articles/${written.id}/duplicate`,
      headers: session(env.cookie),
    });
    expect(copy.statusCode, copy.body).toBe(201);
    const copied = copy.json();
    const again = await env.test.app.inject({
      method: 'POST',
      url: `/api/v1/articles/${copied.id}/sections/${section}/regenerate`,
      headers: session(env.cookie),
    });
    expect(again.statusCode, again.body).toBe(202);
    const kept = await waitForArticle(
      env,
      copied.id,
      (a) => a.status === 'completed' || a.status === 'failed',
    );
    expect(kept.status).toBe('completed');
    expect(kept.error).toMatch(/code samples are not stored with it/);
    expect(kept.markdown).toBe(copied.markdown);
  }, 90_000);
});

describe('a guide brief that cannot be written', () => {
  const refusal = async (body: unknown) => {
    const res = await postArticle(env, body);
    expect(res.statusCode, res.body).toBe(400);
    return res.json().error.details as Array<{ path: string; message: string }>;
  };

  it('names the spec only with kind "integration-guide", and needs one for it', async () => {
    expect(await refusal({ topic: 'Pets', kind: 'integration-guide' })).toEqual([
      { path: 'guide', message: expect.stringContaining('guide.specDocumentId') },
    ]);
    expect(await refusal({ topic: 'Pets', guide: { specDocumentId: specId } })).toEqual([
      { path: 'kind', message: expect.stringContaining('"integration-guide"') },
    ]);
  });

  it('refuses a document that is not an OpenAPI spec, or an operation it does not have', async () => {
    expect(await refusal(brief({ specDocumentId: notesId }))).toEqual([
      { path: 'guide.specDocumentId', message: expect.stringMatching(/not an OpenAPI spec/) },
    ]);
    expect(await refusal(brief({ specDocumentId: specId, operations: ['listPets', 'adoptPet'] }))).toEqual([
      { path: 'guide.operations.1', message: expect.stringContaining('no operation "adoptPet"') },
    ]);
    expect(await refusal(brief({ specDocumentId: specId, languages: ['ruby'] }))).toEqual([
      expect.objectContaining({ path: 'guide.languages.0' }),
    ]);
  });

  it('knows no spec of another workspace', async () => {
    const signup = await env.test.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'other@example.com', password: 'other-password' },
    });
    expect(signup.statusCode).toBe(202);
    const otherCookie = await login(env.test.app, 'other@example.com', 'other-password');
    const theirs = await upload(otherCookie, Buffer.from(JSON.stringify(petstore(1))), 'their-petstore.json');
    expect(await refusal(brief({ specDocumentId: theirs }))).toEqual([
      { path: 'guide.specDocumentId', message: `Unknown document ${theirs}` },
    ]);
    const listed = await env.test.app.inject({
      method: 'GET',
      url: `/api/v1/documents/${theirs}/operations`,
      headers: session(env.cookie),
    });
    expect(listed.statusCode).toBe(404);
  });
});
