// A brief in German, French, Spanish or Japanese gives an article in that language: every writing
// prompt asks for it (the fake writer, like a real model, answers in the language asked), the
// headings the code adds (conclusion, FAQ, references) are in it too, the readability is measured
// with the language's formula or marked not applicable, and the article list search stems the
// query in the article's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from '../support/accounts.ts';
import { type ArticleEnv, pageHtml, postArticle, startArticleEnv, waitForArticle } from './support.ts';

const pages = {
  '/de': {
    title: 'Wärmepumpen im Altbau',
    paragraphs: [
      'Wärmepumpen entziehen der Außenluft Wärme und liefern für jede Kilowattstunde Strom etwa drei Kilowattstunden Wärme.',
      'Eine Feldstudie mit 700 Häusern ergab, dass Wärmepumpen den Energieverbrauch für Heizung um 52 Prozent senkten.',
      'Die Installation kostet je nach Größe des Hauses zwischen 8.000 und 14.000 Euro.',
    ],
  },
  '/fr': {
    title: 'Les pompes à chaleur',
    paragraphs: [
      'Les pompes à chaleur prélèvent la chaleur de l’air extérieur et fournissent trois unités de chaleur par unité d’électricité.',
      'Une étude de terrain sur 700 maisons a montré une baisse de 52 pour cent de la consommation de chauffage.',
      'L’installation coûte entre 8 000 et 14 000 euros selon la taille de la maison.',
    ],
  },
  '/es': {
    title: 'Las bombas de calor',
    paragraphs: [
      'Las bombas de calor toman el calor del aire exterior y entregan tres unidades de calor por cada unidad de electricidad.',
      'Un estudio de campo con 700 viviendas mostró una reducción del 52 por ciento del consumo de calefacción.',
      'La instalación cuesta entre 8.000 y 14.000 euros según el tamaño de la casa.',
    ],
  },
  '/ja': {
    title: 'ヒートポンプの基本',
    paragraphs: [
      'ヒートポンプは外気から熱を取り出し、電気1単位あたり約3単位の熱を家の中に届けます。',
      '700戸を対象にした調査では、暖房のエネルギー使用量が52パーセント減りました。',
      '設置費用は家の大きさによって80万円から140万円ほどかかります。',
    ],
  },
};

const cases = [
  {
    language: 'de',
    name: 'German',
    topic: 'Wärmepumpen im Altbau',
    phrase: 'Dieser Artikel',
    formula: 'amstad',
    conclusion: 'Fazit',
    references: 'Quellen',
  },
  {
    language: 'fr',
    name: 'French',
    topic: 'Les pompes à chaleur',
    phrase: 'Cet article',
    formula: 'kandel-moles',
    conclusion: 'Conclusion',
    references: 'Références',
  },
  {
    language: 'es',
    name: 'Spanish',
    topic: 'Las bombas de calor',
    phrase: 'Este artículo',
    formula: 'szigriszt-pazos',
    conclusion: 'Conclusión',
    references: 'Referencias',
  },
  {
    language: 'ja',
    name: 'Japanese',
    topic: 'ヒートポンプの基本',
    phrase: 'この記事',
    formula: null,
    conclusion: 'まとめ',
    references: '参考文献',
  },
] as const;

let env: ArticleEnv;
interface SeoView {
  readability: { formula: string | null; readingEase: number | null; notApplicable?: string };
  issues: Array<{ code: string }>;
}
const articles = new Map<string, { id: string; markdown: string; seo: SeoView; sources: unknown[] }>();

beforeAll(async () => {
  env = await startArticleEnv('pglite', {
    extraPages: Object.fromEntries(Object.entries(pages).map(([path, page]) => [path, pageHtml(page)])),
  });
  // One at a time, so each article's model requests can be told apart.
  for (const c of cases) {
    const from = env.llm.requests.length;
    const res = await postArticle(env, {
      topic: c.topic,
      language: c.language,
      words: 600,
      research: { urls: [`${env.web.url}/${c.language}`] },
    });
    expect(res.statusCode, res.body).toBe(202);
    const article = await waitForArticle(env, res.json().id, undefined, 90_000);
    expect(article.status, article.error ?? '').toBe('completed');
    articles.set(c.language, { ...article, requests: env.llm.requests.slice(from) });
  }
}, 360_000);
afterAll(async () => {
  await env?.close();
});

describe.each(cases)('a brief in $name', (c) => {
  it('asks every writing call for the language', () => {
    const { requests } = articles.get(c.language) as unknown as {
      requests: Array<{ path: string; body: { messages?: Array<{ role: string; content: unknown }> } }>;
    };
    const chats = requests.filter((r) => r.path === '/v1/chat/completions');
    expect(chats.length).toBeGreaterThan(5);
    const writing = chats.filter((r) =>
      String(r.body.messages?.find((m) => m.role === 'system')?.content ?? '').includes('expert writer'),
    );
    expect(writing.length).toBeGreaterThan(3);
    for (const r of writing) {
      const system = String(r.body.messages?.find((m) => m.role === 'system')?.content);
      expect(system).toContain(`in ${c.name} (${c.language})`);
    }
  });

  it('comes out in that language, grounded and cited', () => {
    const article = articles.get(c.language)!;
    expect(article.markdown).toContain(c.phrase);
    expect(article.sources.length).toBe(1);
    expect(article.markdown).toMatch(/\[1\]/);
    // The headings the code writes around the parts are in the language too.
    expect(article.markdown).toContain(`\n## ${c.references}\n\n[1] `);
    expect(article.markdown).toContain(`\n## ${c.conclusion}\n`);
    expect(article.markdown).not.toMatch(/^## (Frequently asked questions|References)$/m);
  });

  it(c.formula ? `measures readability with ${c.formula}` : 'marks readability not applicable', () => {
    const { readability, issues } = articles.get(c.language)!.seo;
    expect(readability.formula).toBe(c.formula);
    if (c.formula) {
      expect(readability.readingEase).toEqual(expect.any(Number));
    } else {
      expect(readability.readingEase).toBeNull();
      expect(readability.notApplicable).toMatch(/Japanese/);
      expect(issues.map((i) => i.code)).toContain('readability_not_scored');
    }
  });
});

describe('article search in the article’s language', () => {
  const search = async (q: string) => {
    const res = await env.test.app.inject({
      method: 'GET',
      url: `/api/v1/articles?q=${encodeURIComponent(q)}`,
      headers: session(env.cookie),
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as Array<{ id: string }>).map((a) => a.id);
  };

  it('finds "Wärmepumpen" by "Wärmepumpe" with German stemming', async () => {
    expect(await search('Wärmepumpe')).toEqual([articles.get('de')!.id]);
  });

  it('finds French and Spanish inflections ("pompe", "bomba")', async () => {
    expect(await search('pompe')).toEqual([articles.get('fr')!.id]);
    expect(await search('bomba')).toEqual([articles.get('es')!.id]);
  });
});
