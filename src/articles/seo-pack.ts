// The SEO pack of a text: the model's meta title, description and keywords (the brief's keywords
// win) scored by the deterministic analysis, with the slug and JSON-LD. Pure; run again after every
// edit without a model call.
import { analyzeSeo, articleJsonLd, slugify } from '../seo/index.ts';
import type { ArticleBrief } from '../writing/brief.ts';
import type { SeoPack } from './types.ts';

export function seoPack(
  markdown: string,
  brief: ArticleBrief,
  title: string,
  meta: { metaTitle: string; metaDescription: string; keywords: string[] },
  now = new Date(),
): SeoPack {
  const keywords = brief.keywords.length > 0 ? brief.keywords : meta.keywords;
  const slug = slugify(title);
  const analysis = analyzeSeo(markdown, {
    keywords,
    title,
    metaTitle: meta.metaTitle,
    metaDescription: meta.metaDescription,
    slug,
    language: brief.language,
  });
  return {
    score: analysis.score,
    metaTitle: meta.metaTitle,
    metaDescription: meta.metaDescription,
    keywords,
    slug,
    wordCount: analysis.wordCount,
    readability: { ...analysis.readability },
    issues: analysis.issues.map((i) => ({
      code: i.code,
      severity: i.severity,
      message: i.message,
      fix: i.fix,
    })),
    jsonLd: articleJsonLd({
      title,
      description: meta.metaDescription,
      datePublished: now,
      keywords,
      language: brief.language,
    }),
  };
}

/**
 * The pack again after the text or title changed: scored anew, with the slug of the title as it is
 * now; the JSON-LD keeps what it said (its publication date) but for its headline (capped as at
 * first) and when it was modified.
 */
export function seoPackAfterEdit(
  markdown: string,
  brief: ArticleBrief,
  title: string,
  previous: SeoPack,
  now = new Date(),
): SeoPack {
  const pack = seoPack(markdown, brief, title, previous, now);
  return {
    ...pack,
    jsonLd: { ...previous.jsonLd, headline: pack.jsonLd.headline, dateModified: now.toISOString() },
  };
}
