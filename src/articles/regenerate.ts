// Regenerating one section of a finished (possibly hand-edited) article: the section is rewritten
// from its outline entry and sources, spliced into the current Markdown under its heading, its
// citations mapped onto the article's numbering (new sources appended to the references), and the
// citation and SEO results refreshed. The text before is kept as a version by the request.
import type { Database } from '../db/client.ts';
import { isReferencesHeading } from '../seo/document.ts';
import { referenceList } from '../writing/citations.ts';
import { renderHtml } from '../writing/render.ts';
import { localToGlobal, remapCitations } from '../writing/sections.ts';
import { articleById, updateArticle } from './article-store.ts';
import { brandVoiceById } from './brand-voice-store.ts';
import { checkCitations } from './checks.ts';
import { referenceSource } from './compose.ts';
import { sectionSources, wordsPerSection } from './pipeline/section-sources.ts';
import { sectionStep, stepPositions } from './pipeline/step-plan.ts';
import { streamSectionText } from './pipeline/stream-section.ts';
import { sectionPrompt, writerSystem } from './prompts.ts';
import { seoPack } from './seo-pack.ts';
import { countStepsNamed, finishedOutputs } from './step-store.ts';
import { type RunContext, runStep } from './steps.ts';
import type { ArticleSource } from './types.ts';

// Read here by the job (job.ts), which decides how a failed regeneration leaves the article.
export { originalRunCompleted } from './step-store.ts';

const sourceKey = (s: ArticleSource) => s.url ?? `${s.documentId}:${s.text.slice(0, 200)}`;
const normal = (heading: string) =>
  heading
    .replace(/[*_`#]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/** The step of the n-th regeneration of a section (its citation refresh is `<step>:citations`). */
export const regenerationStep = (index: number, n: number) => `${sectionStep(index)}#r${n}`;

/** How many regenerations of the section were requested so far. */
export const regenerationCount = (database: Database, articleId: string, index: number) =>
  countStepsNamed(database, articleId, `^section:${index}#r[0-9]+$`);

const headingLine = (lines: readonly string[], heading: string) =>
  lines.findIndex((l) => /^##\s/.test(l) && normal(l.slice(3)) === normal(heading));

/** Whether the Markdown still has the `## heading` a regenerated section is placed under. */
export const hasSectionHeading = (markdown: string, heading: string) =>
  headingLine(markdown.split('\n'), heading) >= 0;

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

/**
 * Places a regenerated section's citations (numbers of the gathered sources) in the article's
 * numbering: gathered sources it already cites keep their number, others are appended.
 */
export function placeCitations(
  written: string,
  gathered: readonly ArticleSource[],
  articleSources: readonly ArticleSource[],
): { markdown: string; sources: ArticleSource[] } {
  const sources = [...articleSources];
  const byKey = new Map(sources.map((s) => [sourceKey(s), s.n]));
  const { markdown } = remapCitations(written, (n) => {
    const source = gathered[n - 1];
    if (!source) return undefined;
    let final = byKey.get(sourceKey(source));
    if (final === undefined) {
      final = sources.length + 1;
      sources.push({ ...source, n: final });
      byKey.set(sourceKey(source), final);
    }
    return final;
  });
  return { markdown, sources };
}

export async function regenerateSection(ctx: RunContext, index: number, concurrency: number) {
  const article = await articleById(ctx.database, ctx.article.id);
  if (!article) throw new Error('article vanished');
  const outline = article.outline;
  const section = outline?.sections[index];
  if (!outline || !section) throw new Error(`The article has no section ${index}`);
  const brief = article.brief;
  const outputs = await finishedOutputs(ctx.database, ctx.article.id);
  const gathered = (outputs.get('gather') as { sources: ArticleSource[] } | undefined)?.sources ?? [];
  const stepName = regenerationStep(index, await regenerationCount(ctx.database, ctx.article.id, index));
  const system = writerSystem(brief, await brandVoiceById(ctx.database, brief.brandVoiceId));
  const words = wordsPerSection(brief.words, outline.sections.length);

  const written = await runStep(ctx, stepName, stepPositions.section + index, async (llm) => {
    const sources = sectionSources(section, gathered);
    const text = await streamSectionText(ctx, llm, sectionStep(index), index, {
      system,
      prompt: sectionPrompt({ brief, outline, section, index, words, sources }),
    });
    return localToGlobal(text, section.sourceIds).markdown;
  });

  const { markdown: body, sources: finalSources } = placeCitations(written, gathered, article.sources);
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
