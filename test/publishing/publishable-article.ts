// A finished article inserted directly (no run), with the text, HTML, tags and SEO pack a publish
// sends: what the publishing tests publish.
import { articles } from '../../src/db/schema/index.ts';
import { renderHtml } from '../../src/writing/render.ts';
import type { TestApp } from '../support/app.ts';
import { storedBrief } from '../support/stored-brief.ts';

export const metaDescription = 'How a heat pump heats a family home, and what it costs to run.';

export async function insertPublishableArticle(
  t: TestApp,
  workspaceId: string,
  title = 'Heat pumps for family homes',
  fields: Partial<typeof articles.$inferInsert> = {},
): Promise<string> {
  const markdown = `# ${title}\n\nA heat pump moves heat from outdoor air into the house.\n\n## Costs\n\n- Running costs\n- Upkeep\n`;
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const [row] = await t.runtime.database.db
    .insert(articles)
    .values({
      workspaceId,
      brief: storedBrief(title) as never,
      topic: title,
      title,
      slug,
      status: 'completed',
      markdown,
      html: renderHtml(markdown),
      tags: ['energy', 'homes'],
      seo: {
        score: 80,
        metaTitle: title,
        metaDescription,
        keywords: ['heat pumps'],
        slug,
        wordCount: 14,
        readability: {
          formula: 'flesch',
          readingEase: 70,
          gradeLevel: 6,
          avgSentenceLength: 10,
          avgSyllablesPerWord: 1.4,
        },
        issues: [],
        jsonLd: {},
      },
      ...fields,
    })
    .returning({ id: articles.id });
  return row!.id;
}
