import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type ArticleBrief,
  articleBriefSchema,
  defaultMaxWebSources,
  parseBrief,
  validateBriefReferences,
  webSourcesOf,
} from '../../src/writing/brief.ts';

const docA = '0b7d3f5e-6c1a-4e8b-9d2f-1a2b3c4d5e6f';
const docB = '7f9e8d7c-6b5a-4c3d-8e2f-0a1b2c3d4e5f';

function pathsOf(input: unknown): string[] {
  const result = parseBrief(input);
  if (result.ok) throw new Error('expected the brief to be rejected');
  return result.issues.map((i) => i.path);
}

describe('ArticleBrief', () => {
  it('fills the defaults from a topic alone', () => {
    const result = parseBrief({ topic: '  Cold brew coffee  ' });
    expect(result).toEqual({
      ok: true,
      brief: {
        topic: 'Cold brew coffee',
        words: 1500,
        keywords: [],
        language: 'en',
        research: { web: false, knowledge: false, documents: [], urls: [] },
        factCheck: true,
        seo: true,
      },
    });
  });

  it('accepts a full brief', () => {
    const result = parseBrief({
      topic: 'Cold brew',
      title: 'The cold brew guide',
      audience: 'home baristas',
      tone: 'friendly',
      words: 2500,
      keywords: ['cold brew', 'coffee'],
      language: 'pt-BR',
      outline: ['Why cold', 'How to'],
      research: { web: true, documents: [docA], urls: ['https://example.com/a', 'http://example.org/b?c=d'] },
      brandVoiceId: docB,
      factCheck: false,
      seo: false,
    });
    expect(result.ok).toBe(true);
  });

  it('rejects an empty topic with its field path', () => {
    expect(pathsOf({ topic: '   ' })).toEqual(['topic']);
    expect(pathsOf({})).toEqual(['topic']);
  });

  it('rejects 50,000 words', () => {
    const result = parseBrief({ topic: 'x', words: 50_000 });
    expect(result).toMatchObject({ ok: false, issues: [{ path: 'words' }] });
    expect(pathsOf({ topic: 'x', words: 100 })).toEqual(['words']);
    expect(pathsOf({ topic: 'x', words: 1500.5 })).toEqual(['words']);
  });

  it('keeps a brief stored before maxWebSources existed a valid response, read as the default', () => {
    const stored = {
      topic: 'x',
      words: 1500,
      keywords: [],
      language: 'en',
      research: { web: true, knowledge: false, documents: [], urls: [] },
      factCheck: true,
      seo: true,
    };
    expect(z.safeEncode(articleBriefSchema, stored).success).toBe(true);
    expect(webSourcesOf(stored as ArticleBrief)).toBe(defaultMaxWebSources);
  });

  it('bounds the web pages an article reads', () => {
    const kept = (maxWebSources: unknown) =>
      parseBrief({ topic: 'x', research: { web: true, maxWebSources } });
    expect(kept(1)).toMatchObject({ ok: true, brief: { research: { maxWebSources: 1 } } });
    expect(kept(20)).toMatchObject({ ok: true, brief: { research: { maxWebSources: 20 } } });
    for (const bad of [0, 21, 2.5, '12', null])
      expect(pathsOf({ topic: 'x', research: { maxWebSources: bad } }), String(bad)).toEqual([
        'research.maxWebSources',
      ]);
  });

  it('rejects bad URLs with the index in the path', () => {
    expect(
      pathsOf({
        topic: 'x',
        research: {
          urls: ['https://ok.example.com', 'not a url', 'javascript:alert(1)', 'ftp://files.example.com'],
        },
      }),
    ).toEqual(['research.urls.1', 'research.urls.2', 'research.urls.3']);
  });

  it('rejects other nonsense with field paths', () => {
    const paths = pathsOf({
      topic: 'x'.repeat(301),
      language: 'english please',
      keywords: Array.from({ length: 21 }, (_, i) => `k${i}`),
      outline: [''],
      research: {
        documents: ['not-a-uuid'],
        urls: Array.from({ length: 21 }, (_, i) => `https://e.com/${i}`),
      },
      brandVoiceId: 'voice',
      factCheck: 'yes',
      wordz: 2000,
    });
    expect(paths.sort()).toEqual(
      [
        '',
        'brandVoiceId',
        'factCheck',
        'keywords',
        'language',
        'outline.0',
        'research.documents.0',
        'research.urls',
        'topic',
      ].sort(),
    );
  });

  it('documents every field for OpenAPI', () => {
    const schema = z.toJSONSchema(articleBriefSchema, { io: 'input' }) as {
      properties: Record<string, { description?: string }>;
      required?: string[];
    };
    for (const [field, property] of Object.entries(schema.properties)) {
      expect(property.description, field).toBeTruthy();
    }
    expect(schema.required).toEqual(['topic']);
    const research = schema.properties.research as { properties: Record<string, { description?: string }> };
    for (const [field, property] of Object.entries(research.properties))
      expect(property.description, `research.${field}`).toBeTruthy();
  });
});

describe('validateBriefReferences', () => {
  it('reports unknown documents and brand voices by path', async () => {
    const parsed = parseBrief({ topic: 'x', research: { documents: [docA, docB] }, brandVoiceId: docA });
    if (!parsed.ok) throw new Error('valid brief rejected');
    const issues = await validateBriefReferences(parsed.brief, {
      documentStatuses: async (ids) => new Map(ids.filter((id) => id === docA).map((id) => [id, 'ready'])),
      brandVoiceExists: async () => false,
    });
    expect(issues).toEqual([
      { path: 'research.documents.1', message: `Unknown document ${docB}` },
      { path: 'brandVoiceId', message: `Unknown brand voice ${docA}` },
    ]);
  });

  it('does not call the lookup when nothing is referenced', async () => {
    const parsed = parseBrief({ topic: 'x' });
    if (!parsed.ok) throw new Error('valid brief rejected');
    let calls = 0;
    const issues = await validateBriefReferences(parsed.brief, {
      documentStatuses: async () => {
        calls++;
        return new Map();
      },
    });
    expect(issues).toEqual([]);
    expect(calls).toBe(0);
  });
});
