// The documents API says which language ingestion detected for each document (what its passages
// are stemmed with in search), in the document and in the list; null until a document is parsed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileForm } from '../knowledge/samples-ingest.ts';
import { bearer, createKey, setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const german =
  'Die Wärmepumpe ist eine Heizung, die der Umgebung Wärme entzieht. Sie wird mit Strom betrieben und ist im Winter nicht immer so effizient wie im Sommer. Für ein Einfamilienhaus mit Fußbodenheizung ist sie oft die beste Wahl, auch wenn die Anschaffung teuer ist.';
const english =
  'The heat pump is a heating system that takes warmth from the air outside. It runs on electricity and is not always as efficient in winter as in summer, which is why the installer checks the house first.';

const japanese =
  'ヒートポンプは外の空気から熱を取り出して家を暖める仕組みです。電気で動き、冬でも多くの家庭で使われています。設置の前に家の断熱を確認します。';

describe('document language in the documents API (pglite)', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await createTestApp('pglite', { RATE_LIMIT_ENABLED: 'false' });
    const { cookie } = await setupOwner(t.app);
    key = (await createKey(t.app, cookie, { name: 'docs' })).key;
    await t.runtime.queue.start({ work: true });
  }, 60_000);
  afterAll(async () => t?.close());

  const upload = async (textBody: string, filename: string) => {
    const form = fileForm(Buffer.from(textBody), filename);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: { ...bearer(key), ...form.headers },
      payload: form.payload,
    });
    expect(res.statusCode, res.body).toBe(202);
    return res.json() as { id: string; status: string; language: string | null };
  };
  const get = async (id: string) =>
    (await t.app.inject({ method: 'GET', url: `/api/v1/documents/${id}`, headers: bearer(key) })).json();

  it('is the language detected from the text, in the document and in the list', async () => {
    const de = await upload(german, 'waermepumpe.txt');
    const en = await upload(english, 'heat-pump.txt');
    const ja = await upload(japanese, 'heat-pump-ja.txt');
    for (const id of [de.id, en.id, ja.id]) {
      await expect.poll(async () => (await get(id)).status, { timeout: 30_000 }).toBe('ready');
    }
    expect((await get(de.id)).language).toBe('de');
    expect((await get(en.id)).language).toBe('en');
    expect((await get(ja.id)).language).toBe('ja');

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/documents', headers: bearer(key) });
    const languages = Object.fromEntries(
      list.json().items.map((d: { id: string; language: string | null }) => [d.id, d.language]),
    );
    expect(languages).toEqual({ [de.id]: 'de', [en.id]: 'en', [ja.id]: 'ja' });
  }, 60_000);
});
