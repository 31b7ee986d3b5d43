// Chinese, Japanese, Korean and Thai are written without spaces between words, so PostgreSQL's
// parser saw a whole clause as one token and no word inside it could be found. Their characters are
// indexed one at a time and a query's run of them is a phrase of its characters: a word is found
// wherever it is written, on both databases, and characters that are not neighbours are not a match.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import { searchableQuery, searchWords } from '../../src/db/text-search.ts';
import { saveDocument } from '../../src/knowledge/document-store.ts';
import { searchKnowledge } from '../../src/knowledge/search.ts';
import { anyWordQuery, findSimilar, shingles } from '../../src/knowledge/similar.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

const texts = {
  ja: 'ヒートポンプは外気の熱を家の中に運びます。冬でも効率よく部屋を暖めることができます。',
  zh: '热泵把室外空气中的热量搬进房子里。即使在冬天，它的效率也很高，比燃气锅炉更省电。',
  ko: '히트펌프는 바깥 공기의 열을 집 안으로 옮깁니다. 겨울에도 효율적으로 방을 데울 수 있습니다.',
  th: 'ปั๊มความร้อนย้ายความร้อนจากอากาศภายนอกเข้าสู่บ้าน มันมีประสิทธิภาพแม้ในฤดูหนาว',
  en: 'Heat pumps move heat from the outdoor air into the home (ヒートポンプ in Japanese).',
};

describe('queries in unspaced scripts', () => {
  it('makes each run a phrase of its characters, and spaces a run inside a quoted phrase', () => {
    expect(searchableQuery('外気')).toBe('"外 気"');
    expect(searchableQuery('heat 外気 -冬 or 効率')).toBe('heat "外 気" -"冬" or "効 率"');
    expect(searchableQuery('"heat 外気"')).toBe('"heat  外 気 "');
    expect(searchableQuery('pump 𠮷野家')).toBe('pump "𠮷 野 家"');
    expect(searchableQuery('heat pump')).toBe('heat pump');
    // A hyphen joining a run is not a NOT after the quoted run; one before a word still is.
    expect(searchableQuery('東京-大阪')).toBe('"東 京" "大 阪"');
    expect(searchableQuery('東京-x x-東京')).toBe('"東 京" x x "東 京"');
    expect(searchableQuery('東京 -大阪')).toBe('"東 京" -"大 阪"');
  });

  it('reads words and single characters as search does', () => {
    expect(searchWords('Tokyo東京タワー, 2025年')).toEqual([
      'tokyo',
      '東',
      '京',
      'タ',
      'ワ',
      'ー',
      '2025',
      '年',
    ]);
    expect(searchWords('Café au lait')).toEqual(['café', 'au', 'lait']);
  });

  it('asks the originality prefilter for neighbouring pairs, not lone characters', () => {
    expect(anyWordQuery('the pump 外気の熱')).toBe('pump or "外 気" or "気 の" or "の 熱"');
    // Five-character shingles: copied Japanese text shares them, other Japanese text does not.
    expect(shingles('外気の熱を家').size).toBe(2);
  });
});

describe.each(backends)('search in unspaced scripts (%s)', (backend) => {
  let testDb: TestDatabase;
  let database: Database;
  let ws: string;

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir });
    await runMigrations(database);
    ws = (await database.query<{ id: string }>(`INSERT INTO workspaces (name) VALUES ('w') RETURNING id`))
      .rows[0]!.id;
    for (const [title, text] of Object.entries(texts)) {
      await saveDocument(database, {
        workspaceId: ws,
        title,
        type: 'text',
        sourceKind: 'upload',
        contentHash: hash(text),
        byteSize: text.length,
        chunks: [{ index: 0, text, rawText: text, tokenCount: 40, headingPath: [], contentHash: hash(text) }],
      });
    }
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  const titles = async (query: string) =>
    (await searchKnowledge(database, { workspaceId: ws, query, limit: 10 })).results
      .map((r) => r.documentTitle)
      .sort();

  it('finds a word inside a clause in Japanese, Chinese, Korean and Thai', async () => {
    expect(await titles('外気')).toEqual(['ja']);
    expect(await titles('効率')).toEqual(['ja']);
    expect(await titles('ヒートポンプ')).toEqual(['en', 'ja']);
    expect(await titles('室外空气')).toEqual(['zh']);
    expect(await titles('锅炉')).toEqual(['zh']);
    expect(await titles('공기')).toEqual(['ko']);
    expect(await titles('겨울')).toEqual(['ko']);
    expect(await titles('อากาศ')).toEqual(['th']);
  });

  it('matches characters only as neighbours, in order', async () => {
    expect(await titles('気外')).toEqual([]);
    expect(await titles('外熱')).toEqual([]);
    // Two words anywhere in the passage, and a word with one excluded.
    expect(await titles('外気 部屋')).toEqual(['ja']);
    expect(await titles('ヒートポンプ -外気')).toEqual(['en']);
    expect(await titles('外気-熱')).toEqual(['ja']);
    expect(await titles('"heat pumps" ヒートポンプ')).toEqual(['en']);
  });

  it('finds a copied Japanese passage as similar', async () => {
    const similar = await findSimilar(database, {
      workspaceId: ws,
      text: '冬でも効率よく部屋を暖めることができます。',
      limit: 3,
    });
    expect(similar[0]?.documentTitle).toBe('ja');
    expect(similar[0]?.shingleJaccard).toBeGreaterThan(0.3);
  });
});
