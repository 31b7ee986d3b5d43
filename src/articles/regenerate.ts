// Regenerating one section of a finished (possibly hand-edited) article: the section is rewritten
// from its outline entry and sources, spliced into the current Markdown under its heading, its
// citations mapped onto the article's numbering (new sources appended to the references), and the
// citation and SEO results refreshed. The text before is kept as a version by the request.
import type { Database } from '../db/client.ts';
import { isReferencesHeading } from '../seo/document.ts';
import { referenceList } from '../writing/citations.ts';
import { renderHtml } from '../writing/render.ts';
import { localToGlobal, remapCitations } from '../writing/sections.ts';
import { checkCitations, quoted } from './checks.ts';
import { referenceSource } from './compose.ts';
import { completedOutputs } from './draft.ts';
import { loadBrandVoice, seoPack, stepPositions, streamSectionText } from './pipeline.ts';
import { sectionPrompt, writerSystem } from './prompts.ts';
import { type RunContext, runStep } from './steps.ts';
import { articleById, updateArticle } from './store.ts';
import type { ArticleSource } from './types.ts';

const sourceKey = (s: ArticleSource) => s.url ?? `${s.documentId}:${s.text.slice(0, 200)}`;
const normal = (heading: string) =>
  heading
    .replace(/[*_`#]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/** The step of the n-th regeneration of a section (its citation refresh is `<step>:citations`). */
export const regenerationStep = (index: number, n: number) => `section:${index}#r${n}`;

/** How many regenerations of the section were requested so far. */
export async function regenerationCount(
  database: Database,
  articleId: string,
  index: number,
): Promise<number> {
  const { rows } = await database.query<{ n: string }>(
    `SELECT count(*) AS n FROM article_steps WHERE article_id = $1 AND name ~ $2`,
    [articleId, `^section:${index}#r[0-9]+$`],
  );
  return Number(rows[0]?.n ?? 0);
}

const headingLine = (lines: readonly string[], heading: string) =>
  lines.findIndex((l) => /^##\s/.test(l) && normal(l.slice(3)) === normal(heading));

/** Whether the Markdown still has the `## heading` a regenerated section is placed under. */
export const hasSectionHeading = (markdown: string, heading: string) =>
  headingLine(markdown.split('\n'), heading) >= 0;

/**
 * Whether the article's own run had completed (every pipeline step done or skipped), so that a
 * failed regeneration leaves it completed rather than degrading it to failed.
 */
export async function originalRunCompleted(database: Database, articleId: string): Promise<boolean> {
  const { rows } = await database.query<{ unfinished: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM article_steps WHERE article_id = $1 AND name !~ '#r[0-9]+'
       AND status NOT IN ('completed', 'skipped')) AS unfinished`,
    [articleId],
  );
  return rows[0]?.unfinished === false;
}

/** Replaces the body under `## heading` (up to the next `## `); undefined when the heading is gone. */
export function replaceSection(markdown: string, heading: string, body: string): string | undefined {
  const lines = markdown.split('\n');
  const start = headingLine(lines, heading);
  if (start < 0) return undefined;
  let end = lines.findIndex((l, i) => i > start && /^##\s/.test(l));
  if (end < 0) end = lines.length;
  return [...lines.slice(0, start + 1), '', body.trim(), '', ...lines.slice(end)].join('\n');
}

/** Replaces (or appends) the references section with the list for `sources`. */
export function replaceReferences(markdown: string, sources: readonly ArticleSource[]): string {
  const list = referenceList(sources.map(referenceSource)).trim();
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^##\s/.test(l) && isReferencesHeading(l.slice(3)));
  if (start < 0) return list ? `${markdown.trimEnd()}\n\n${list}\n` : markdown;
  let end = lines.findIndex((l, i) => i > start && /^##\s/.test(l));
  if (end < 0) end = lines.length;
  return `${[...lines.slice(0, start), ...(list ? [list] : []), ...lines.slice(end)].join('\n').trimEnd()}\n`;
}

export async function regenerateSection(ctx: RunContext, index: number, concurrency: number) {
  const article = await articleById(ctx.database, ctx.article.id);
  if (!article) throw new Error('article vanished');
  const outline = article.outline;
  const section = outline?.sections[index];
  if (!outline || !section) throw new Error(`The article has no section ${index}`);
  const brief = article.brief;
  const outputs = await completedOutputs(ctx);
  const gathered = (outputs.get('gather') as { sources: ArticleSource[] } | undefined)?.sources ?? [];
  const stepName = regenerationStep(index, await regenerationCount(ctx.database, ctx.article.id, index));
  const system = writerSystem(brief, await loadBrandVoice(ctx.database, brief.brandVoiceId));
  const words = Math.max(80, Math.round((brief.words * 0.8) / outline.sections.length));

  const written = await runStep(ctx, stepName, stepPositions.section + index, async (llm) => {
    const focus = `${section.heading} ${section.goal} ${section.keyPoints.join(' ')}`;
    const local = section.sourceIds
      .filter((n) => gathered[n - 1])
      .map((n, k) => ({ ...quoted(gathered[n - 1]!, focus), n: k + 1 }));
    const text = await streamSectionText(ctx, llm, `section:${index}`, index, {
      system,
      prompt: sectionPrompt({ brief, outline, section, index, words, sources: local }),
    });
    return localToGlobal(text, section.sourceIds).markdown;
  });

  // The article's numbering: gathered sources it already cites keep their number, others are appended.
  const finalSources = [...article.sources];
  const byKey = new Map(finalSources.map((s) => [sourceKey(s), s.n]));
  const body = remapCitations(written, (n) => {
    const source = gathered[n - 1];
    if (!source) return undefined;
    let final = byKey.get(sourceKey(source));
    if (final === undefined) {
      final = finalSources.length + 1;
      finalSources.push({ ...source, n: final });
      byKey.set(sourceKey(source), final);
    }
    return final;
  }).markdown;
  const spliced = replaceSection(article.markdown, section.heading, body);
  if (spliced === undefined) {
    throw new Error(
      `The heading "${section.heading}" is no longer in the article, so the section cannot be placed`,
    );
  }
  const markdown = replaceReferences(spliced, finalSources);

  let citations = article.citations;
  if (finalSources.length > 0) {
    citations = await runStep(ctx, `${stepName}:citations`, stepPositions.citations, (llm) =>
      checkCitations(llm, markdown, finalSources, brief.language, concurrency, citations),
    );
  }
  const seo = article.seo;
  const title = article.title;
  const refreshed = seo ? seoPack(markdown, brief, title, seo) : null;
  await updateArticle(ctx.database, ctx.article.id, {
    markdown,
    html: renderHtml(markdown),
    sources: finalSources,
    citations,
    ...(refreshed ? { seo: { ...refreshed, jsonLd: seo!.jsonLd }, wordCount: refreshed.wordCount } : {}),
  });
}
