// Knowledge search stems each document in its own language (detected at ingestion) and stems the
// query the same way per document: a German query word finds its German inflections, English
// stemming stays for English text, and Japanese falls back to `simple`.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { runMigrations } from '../../src/db/migrate.ts';
import {
  searchConfigsFor,
  textSearchConfigFor,
  userMatchSql,
  userTsquerySql,
} from '../../src/db/text-search.ts';
import { detectLanguage } from '../../src/knowledge/detect-language.ts';
import { libraryTextConfigs, saveDocument } from '../../src/knowledge/document-store.ts';
import { searchKnowledge } from '../../src/knowledge/search.ts';
import { findSimilar } from '../../src/knowledge/similar.ts';
import type { Chunk } from '../../src/knowledge/types.ts';
import { backends, createTestDatabase, type TestDatabase } from '../support/database.ts';

const hash = (s: string) => createHash('sha256').update(s).digest('hex');
const chunk = (index: number, text: string): Chunk => ({
  index,
  text,
  rawText: text,
  tokenCount: text.split(' ').length,
  headingPath: [],
  contentHash: hash(text),
});

/** A one-chunk text document in the workspace's library. */
const saveText = (database: Database, workspaceId: string, title: string, text: string) =>
  saveDocument(database, {
    workspaceId,
    title,
    type: 'text',
    sourceKind: 'upload',
    contentHash: hash(text),
    byteSize: text.length,
    chunks: [chunk(0, text)],
  });

const german =
  'Wärmepumpen entziehen der Außenluft Wärme und geben sie an das Haus ab. Die Anlagen sind im Winter effizient, ' +
  'und der Stromverbrauch der Geräte ist geringer als bei einer Heizung mit Gas.';
const english =
  'Heat pumps move heat from the outdoor air into the home. The units are efficient in winter and use less energy than a gas boiler.';
const french =
  'Les pompes à chaleur transfèrent la chaleur de l’air extérieur vers la maison. Elles sont efficaces et économiques pour le chauffage.';
const japanese = 'ヒートポンプは外気の熱を家の中に運びます。冬でも効率よく部屋を暖めることができます。';

describe('language detection', () => {
  it.each([
    [german, 'de'],
    [english, 'en'],
    [french, 'fr'],
    [
      'La bomba de calor lleva el calor del aire exterior a la casa y es eficiente para la calefacción de una vivienda.',
      'es',
    ],
    [japanese, 'ja'],
    // Stored unstemmed as English or nothing before: their own configurations stem them.
    [
      'Värmepumpar tar värme från uteluften och för in den i huset. De är effektiva och det är inte dyrt att ha en, eller så kan man välja fjärrvärme.',
      'sv',
    ],
    [
      'Lämpöpumppu siirtää lämpöä ulkoilmasta taloon, ja se on tehokas myös talvella. Se ei ole kallis, ja kun sähkö on halpaa, se myös säästää rahaa.',
      'fi',
    ],
    [
      'Isı pompası dış havadaki ısıyı eve taşır ve kışın bile çok verimlidir. Bu sistem gaz kazanı gibi değil, daha az enerji ile çalışır ve bir yatırım olarak en iyisidir.',
      'tr',
    ],
    // English with a few kana glosses is English (any 5 % of kana made it Japanese, unstemmed).
    [
      'The tea ceremony (茶道, さどう) is a way of preparing tea. The host (亭主, ていしゅ) prepares the tea for the guests and this is done with care in a room that is quiet.',
      'en',
    ],
  ])('detects %#', (text, tag) => expect(detectLanguage(text)).toBe(tag));

  it('does not guess from too little text', () => {
    expect(detectLanguage('Wärmepumpe 2025')).toBeUndefined();
  });

  it('maps languages to PostgreSQL configurations, simple where none fits', () => {
    expect(['de-AT', 'fr', 'es-MX', 'en-GB', 'ja', 'zh'].map(textSearchConfigFor)).toEqual([
      'german',
      'french',
      'spanish',
      'english',
      'simple',
      'simple',
    ]);
  });

  it('names a library’s configurations once each; a document from before detection is English', () => {
    expect(searchConfigsFor(['de-AT', null, 'de', 'ja', 'zh', 'en'])).toEqual([
      'english',
      'german',
      'simple',
    ]);
    expect(searchConfigsFor([])).toEqual([]);
    // Configurations are written into the statement's text: a name that is not one never is.
    expect(() => userMatchSql('c', '$2', ["english', $2) OR true --"])).toThrow(/unknown text-search/);
    expect(() => userTsquerySql('c', '$2', ['klingon'])).toThrow(/unknown text-search/);
  });
});

describe.each(backends)('full-text search per language (%s)', (backend) => {
  let testDb: TestDatabase;
  let database: Database;
  let ws: string;

  const save = (title: string, text: string) => saveText(database, ws, title, text);

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir });
    await runMigrations(database);
    ws = (await database.query<{ id: string }>(`INSERT INTO workspaces (name) VALUES ('w') RETURNING id`))
      .rows[0]!.id;
    for (const [title, text] of [
      ['de', german],
      ['en', english],
      ['fr', french],
      ['ja', japanese],
    ] as const)
      await save(title, text);
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  const titles = async (query: string) =>
    (await searchKnowledge(database, { workspaceId: ws, query, limit: 10 })).results.map(
      (r) => r.documentTitle,
    );

  it('stores each document and its chunks with the detected language and configuration', async () => {
    const rows = await database.query<{ title: string; language: string; chunk: string; config: string }>(
      `SELECT d.title, d.language, c.language AS chunk, c.search_config::text AS config
       FROM documents d JOIN document_chunks c ON c.document_id = d.id ORDER BY d.title`,
    );
    expect(rows.rows).toEqual([
      { title: 'de', language: 'de', chunk: 'de', config: 'german' },
      { title: 'en', language: 'en', chunk: 'en', config: 'english' },
      { title: 'fr', language: 'fr', chunk: 'fr', config: 'french' },
      { title: 'ja', language: 'ja', chunk: 'ja', config: 'simple' },
    ]);
  });

  it('finds German inflections with German stemming ("Wärmepumpe" → "Wärmepumpen", "Gerät" → "Geräte")', async () => {
    expect(await titles('Wärmepumpe')).toEqual(['de']);
    expect(await titles('Gerät')).toEqual(['de']);
  });

  it('keeps English stemming for English text and French for French', async () => {
    expect(await titles('pump')).toEqual(['en']);
    expect(await titles('pompe')).toEqual(['fr']);
  });

  it('matches Japanese as written (simple configuration)', async () => {
    expect(await titles('ヒートポンプは外気の熱を家の中に運びます')).toEqual(['ja']);
  });

  it('the originality prefilter uses each passage’s own stemming', async () => {
    const similar = await findSimilar(database, { workspaceId: ws, text: 'Wärmepumpe Außenluft', limit: 3 });
    expect(similar.map((s) => s.documentTitle)).toContain('de');
  });
});

// A library in one language is searched with that configuration alone (the index then reads only
// its words, and the planner can estimate them); an empty library matches nothing; chunks from
// before language detection (document language null) keep their English stemming.
describe.each(backends)('full-text search in a one-language library (%s)', (backend) => {
  let testDb: TestDatabase;
  let database: Database;
  const workspace = async (name: string) =>
    (await database.query<{ id: string }>(`INSERT INTO workspaces (name) VALUES ($1) RETURNING id`, [name]))
      .rows[0]!.id;
  const save = (workspaceId: string, title: string, text: string) =>
    saveText(database, workspaceId, title, text);
  const titles = async (workspaceId: string, query: string) =>
    (await searchKnowledge(database, { workspaceId, query, limit: 10 })).results.map((r) => r.documentTitle);

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir });
    await runMigrations(database);
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  it('a German library finds German inflections and not English stems', async () => {
    const ws = await workspace('de');
    await save(ws, 'de', german);
    // Another workspace's English text must not change this library's configurations.
    await save(await workspace('en'), 'en', english);
    expect(await libraryTextConfigs(database, ws)).toEqual(['german']);
    expect(await titles(ws, 'Wärmepumpe')).toEqual(['de']);
    expect(await titles(ws, 'Geräte')).toEqual(['de']);
    expect(await titles(ws, 'pump')).toEqual([]);
    const similar = await findSimilar(database, { workspaceId: ws, text: 'Wärmepumpe Außenluft', limit: 3 });
    expect(similar.map((s) => s.documentTitle)).toEqual(['de']);
  });

  it('adding a document in a second language searches both, each in its own stemming', async () => {
    const ws = await workspace('de+en');
    await save(ws, 'de', german);
    await save(ws, 'en', english);
    expect(await libraryTextConfigs(database, ws)).toEqual(['english', 'german']);
    expect(await titles(ws, 'Wärmepumpe')).toEqual(['de']);
    expect(await titles(ws, 'pumping')).toEqual(['en']);
  });

  it('an empty library finds nothing', async () => {
    const ws = await workspace('empty');
    expect(await libraryTextConfigs(database, ws)).toEqual([]);
    expect(await searchKnowledge(database, { workspaceId: ws, query: 'heat pump', limit: 5 })).toEqual({
      mode: 'fulltext',
      results: [],
    });
    expect(await findSimilar(database, { workspaceId: ws, text: 'heat pump', limit: 3 })).toEqual([]);
  });

  it('chunks stored before languages were detected are found with English stemming', async () => {
    const ws = await workspace('legacy');
    await save(ws, 'legacy', english);
    // As migration 0008 left them: the document's language unknown, its chunks English.
    await database.query(`UPDATE documents SET language = NULL WHERE workspace_id = $1`, [ws]);
    await database.query(`UPDATE document_chunks SET language = 'en' WHERE workspace_id = $1`, [ws]);
    expect(await libraryTextConfigs(database, ws)).toEqual(['english']);
    expect(await titles(ws, 'pumping')).toEqual(['legacy']);
  });
});
