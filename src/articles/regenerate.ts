// Regenerating one part of a finished (possibly hand-edited) article — a body section, the intro,
// the conclusion or the FAQ — optionally with the writer's instruction: the part is rewritten from
// its outline entry and sources (and, given an instruction, from its current text), spliced into the
// current Markdown, a section's citations mapped onto the article's numbering (new sources appended
// to the references), and the citation and SEO results refreshed. Either the article takes the
// result at once (the text before is kept as a version by the request), or the result waits as a
// proposal the writer accepts or discards (regeneration-review.ts).
import type { Database } from '../db/client.ts';
import { type PlacedSample, placeSamples, samplesToMarkers, withoutSamples } from '../guides/placement.ts';
import { analyzeSeo } from '../seo/index.ts';
import { guideOf } from '../writing/brief.ts';
import { referenceList } from '../writing/citations.ts';
import { frameLabels, isReferencesHeading } from '../writing/frame-headings.ts';
import type { Outline } from '../writing/outline.ts';
import { renderHtml } from '../writing/render.ts';
import {
  introBody,
  localToGlobal,
  normalHeading,
  remapCitations,
  sectionBody,
  shiftHeadings,
} from '../writing/sections.ts';
import { type ArticleFields, type ArticleRow, articleById } from './article-store.ts';
import { brandVoiceById } from './brand-voice-store.ts';
import { checkCitations } from './checks.ts';
import { referenceSource } from './compose.ts';
import { guideOwners } from './guide-material.ts';
import type { GuideMaterial } from './guide-schema.ts';
import { sectionSources, withLocalSources, wordsPerSection } from './pipeline/section-sources.ts';
import { sectionStep, stepPositions } from './pipeline/step-plan.ts';
import { streamSectionText } from './pipeline/stream-section.ts';
import {
  conclusionPrompt,
  faqPrompt,
  faqSchema,
  introPrompt,
  rewritePrompt,
  sectionPrompt,
  writerSystem,
} from './prompts.ts';
import type { RegenerationProposal, RegenerationRequest } from './regeneration.ts';
import { restartUnreadableSteps } from './resume.ts';
import { saveRunArticle } from './run-article.ts';
import {
  headedLines,
  type LocatedPart,
  locatePart,
  replacePart,
  type SectionTarget,
  targetLabel,
  targetStep,
} from './section-target.ts';
import { seoPackAfterEdit } from './seo-pack.ts';
import { sourceKey } from './sources.ts';
import { stepOutputSchemas, storedOutput } from './step-outputs.ts';
import { countStepsNamed, finishedOutputs } from './step-store.ts';
import { type RunContext, runStep } from './steps.ts';
import type { ArticleSource, CitationCheck } from './types.ts';

// Read here by the job (job.ts), which decides how a failed regeneration leaves the article.
export { originalRunCompleted } from './step-store.ts';

/** The step of the n-th regeneration of a part (its citation refresh is `<step>:citations`). */
export const regenerationStep = (target: SectionTarget, n: number) => `${targetStep(target)}#r${n}`;

/** How many regenerations of the part were requested so far. */
export const regenerationCount = (database: Database, articleId: string, target: SectionTarget) =>
  countStepsNamed(database, articleId, `^${targetStep(target)}#r[0-9]+$`);

/** Where a part's regeneration steps are listed among the article's steps. */
export const regenerationPosition = (target: SectionTarget) =>
  typeof target === 'number' ? stepPositions.section + target : stepPositions[target];

// `## ` lines inside code blocks are code (headedLines): a section or the references end at the next
// real heading, not at a shell comment in a fenced block.
const headingLine = ({ lines, h2 }: ReturnType<typeof headedLines>, heading: string) =>
  h2.find((i) => normalHeading(lines[i]!.slice(3)) === normalHeading(heading)) ?? -1;

const nextHeading = ({ lines, h2 }: ReturnType<typeof headedLines>, after: number) =>
  h2.find((i) => i > after) ?? lines.length;

/** Whether the Markdown still has the `## heading` a regenerated section is placed under. */
export const hasSectionHeading = (markdown: string, heading: string) =>
  headingLine(headedLines(markdown), heading) >= 0;

/** Replaces the body under `## heading` (up to the next `## `); undefined when the heading is gone. */
export function replaceSection(markdown: string, heading: string, body: string): string | undefined {
  const headed = headedLines(markdown);
  const { lines } = headed;
  const start = headingLine(headed, heading);
  if (start < 0) return undefined;
  const end = nextHeading(headed, start);
  return [...lines.slice(0, start + 1), '', body.trim(), '', ...lines.slice(end)].join('\n');
}

/**
 * Replaces (or appends) the references section with the list for `sources`, under the heading for
 * the article's `language`.
 */
export function replaceReferences(
  markdown: string,
  sources: readonly ArticleSource[],
  language?: string,
): string {
  const list = referenceList(sources.map(referenceSource), frameLabels(language).references).trim();
  const headed = headedLines(markdown);
  const { lines, h2 } = headed;
  // The last part so named (seo/document.ts): a section the writer named "Sources" before it is not.
  const found = h2.findLast((i) => isReferencesHeading(lines[i]!.slice(3))) ?? -1;
  const foundEnd = found < 0 ? -1 : nextHeading(headed, found);
  // Only a list of entries ("[1] …", "1. …") is replaced: a writer's own section named "Sources" in
  // an article that cites nothing is writing, not a stale list.
  const entries = lines.slice(found + 1, foundEnd).filter((l) => l.trim());
  const isList = found >= 0 && entries.every((l) => /^\s*(\[\d+\]|\d+\.)\s/.test(l));
  const start = isList ? found : -1;
  if (start < 0) return list ? `${markdown.trimEnd()}\n\n${list}\n` : markdown;
  const end = foundEnd;
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

/**
 * A section's text as its writer is shown it: its citations in the section's own numbering (the
 * 1..k of the sources it is given), not the article's. Revising "shorter", a model keeps the
 * markers it reads; read in the article's numbers, they were then mapped as the section's and
 * pointed at other sources. A marker of a source the section is not given is left out.
 */
export function inSectionNumbering(
  text: string,
  articleSources: readonly ArticleSource[],
  gathered: readonly ArticleSource[],
  sourceIds: readonly number[],
): string {
  const local = new Map<string, number>();
  sourceIds
    .filter((n) => gathered[n - 1])
    .forEach((n, k) => {
      local.set(sourceKey(gathered[n - 1]!), k + 1);
    });
  const keyOf = new Map(articleSources.map((s) => [s.n, sourceKey(s)]));
  return remapCitations(text, (n) => {
    const key = keyOf.get(n);
    return key === undefined ? undefined : local.get(key);
  }).markdown;
}

/**
 * A guide section's samples when it is rewritten: those it shows now, and those it places that the
 * article shows nowhere else; and its current text with the samples it shows as their markers.
 */
function guidePart(
  article: ArticleRow,
  outline: Outline,
  guide: GuideMaterial,
  gathered: readonly ArticleSource[],
  target: number,
  current: string,
) {
  const owners = guideOwners(outline, guide);
  const shows = (text: string, s: PlacedSample) => s.code.some((c) => text.includes(c.code));
  const samples = guide.samples.filter(
    (s) => shows(current, s) || (owners.get(s.id) === target && !shows(article.markdown, s)),
  );
  // The caption cites the operation in the article's numbering.
  const articleNumber = (s: PlacedSample) => {
    const source = gathered[s.source - 1];
    return source ? article.sources.find((a) => sourceKey(a) === sourceKey(source))?.n : undefined;
  };
  return { samples, current: samplesToMarkers(current, samples, articleNumber).markdown };
}

/** The regenerated part's text: a section in the article's source numbering, other parts uncited. */
async function rewrite(
  ctx: RunContext,
  article: ArticleRow,
  outline: Outline,
  request: RegenerationRequest,
  part: LocatedPart,
  stepName: string,
): Promise<{ text: string; sources: ArticleSource[] }> {
  const brief = article.brief;
  const system = writerSystem(brief, await brandVoiceById(ctx.database, brief.brandVoiceId));
  const { target, instruction } = request;
  // Given an instruction ("shorter"), the model revises the current text; without one it writes afresh.
  const prompt = (base: string, current = part.text) =>
    rewritePrompt(base, instruction ? current : '', instruction);
  const position = regenerationPosition(target);
  const regenerating = { target, instruction: instruction ?? null };
  if (typeof target === 'number') {
    const section = outline.sections[target]!;
    const outputs = await finishedOutputs(ctx.database, ctx.article.id);
    // The sources as numbered when the article was researched: the outline's sections name them so.
    const research = outputs.has('gather')
      ? storedOutput(outputs, 'gather', stepOutputSchemas.gather)
      : { sources: [], guide: undefined };
    if (!research)
      throw new Error(
        "The article's research was stored by another version of Blogsmith in a form this one cannot read, so a section cannot be rewritten from its sources",
      );
    const gathered = research.sources;
    if (guideOf(brief) && !research.guide)
      throw new Error(
        "This guide's code samples are not stored with it (a copy keeps the guide's text, not its research), so a section cannot be rewritten around them: edit it, or regenerate it in the original",
      );
    const guide =
      research.guide && guideOf(brief)
        ? guidePart(article, outline, research.guide, gathered, target, part.text)
        : undefined;
    const words = wordsPerSection(brief.words, outline.sections.length);
    const given = { ...regenerating, section: { ...section, words } };
    const written = await runStep(ctx, stepName, position, given, async (llm) => {
      const sources = sectionSources(section, gathered);
      const current = inSectionNumbering(
        guide?.current ?? part.text,
        article.sources,
        gathered,
        section.sourceIds,
      );
      const samples = guide ? withLocalSources(section, gathered, guide.samples) : undefined;
      const text = await streamSectionText(ctx, llm, sectionStep(target), target, {
        system,
        prompt: prompt(
          sectionPrompt({
            brief,
            outline,
            section,
            index: target,
            words,
            sources,
            ...(samples ? { samples } : {}),
          }),
          current,
        ),
      });
      return localToGlobal(text, section.sourceIds).markdown;
    });
    // A guide's samples placed as at its first writing, citing the operations in the gathered numbering.
    const withSamples = guide
      ? placeSamples([written], guide.samples, new Map(guide.samples.map((s) => [s.id, 0])))[0]!
      : written;
    const placed = placeCitations(withSamples, gathered, article.sources);
    // Its headings as a first write's: a `## ` of its own would split the section in two.
    return { text: sectionBody(section.heading, placed.markdown), sources: placed.sources };
  }
  // The intro and conclusion read the body sections as they are now (edits included).
  const bodies = outline.sections.map((_, i) => locatePart(article.markdown, outline, i)?.text ?? '');
  const written = await runStep(ctx, stepName, position, regenerating, async (llm) => {
    if (target === 'faq') {
      const asked = [...part.text.matchAll(/^###\s+(.+)$/gm)].map((m) => m[1]!.trim());
      const questions = asked.length > 0 ? asked : (outline.faq ?? []);
      const { object } = await llm.generateObject({
        role: 'writer',
        system,
        prompt: prompt(faqPrompt(outline, questions)),
        schema: faqSchema,
        schemaName: 'faq',
      });
      return object.items
        .map((f) => `### ${f.question.trim()}\n\n${shiftHeadings(f.answer.trim(), 4)}`)
        .join('\n\n');
    }
    const base =
      target === 'intro' ? introPrompt(brief, outline, bodies) : conclusionPrompt(brief, outline, bodies);
    return streamSectionText(ctx, llm, target, undefined, { system, prompt: prompt(base) });
  });
  // These parts cite nothing: a stray marker would point at a source it never read.
  const cited = remapCitations(written, () => undefined).markdown;
  // A guide's code is its sections' samples only.
  const uncited = guideOf(brief) ? withoutSamples(cited) : cited;
  const text =
    target === 'intro'
      ? introBody(article.title || outline.title, uncited)
      : target === 'conclusion'
        ? sectionBody(part.heading ?? frameLabels(brief.language).conclusion, uncited)
        : uncited;
  return { text, sources: article.sources };
}

export async function regenerateSection(
  ctx: RunContext,
  request: RegenerationRequest,
  options: {
    concurrency: number;
    /** Steps a previous run of the article completed, as the claim of this run read them. */
    completedSteps: ReadonlySet<string>;
  },
) {
  const { concurrency } = options;
  const article = await articleById(ctx.database, ctx.article.id);
  if (!article) throw new Error('article vanished');
  const outline = article.outline;
  const label = targetLabel(request.target, outline);
  if (!outline || (typeof request.target === 'number' && !outline.sections[request.target]))
    throw new Error(`The article has no part "${label}"`);
  const part = locatePart(article.markdown, outline, request.target);
  if (!part) {
    throw new Error(`"${label}" is no longer in the article, so the regenerated text cannot be placed`);
  }
  const brief = article.brief;
  const stepName = regenerationStep(
    request.target,
    await regenerationCount(ctx.database, ctx.article.id, request.target),
  );
  // Resumed: what this regeneration stored and this version cannot read is done again.
  const ownStep = (name: string) => name === stepName || name.startsWith(`${stepName}:`);
  if ([...options.completedSteps].some(ownStep)) await restartUnreadableSteps(ctx, ownStep);
  const written = await rewrite(ctx, article, outline, request, part, stepName);
  const spliced = replacePart(article.markdown, part, written.text);
  const cited = typeof request.target === 'number';
  const markdown = cited ? replaceReferences(spliced, written.sources, brief.language) : spliced;

  let citations = article.citations;
  if (cited && written.sources.length > 0) {
    const given = { sources: written.sources.length };
    citations = await runStep(ctx, `${stepName}:citations`, stepPositions.citations, given, (llm) =>
      checkCitations(llm, markdown, written.sources, brief.language, concurrency, citations),
    );
  }
  if (request.review) {
    const words = (text: string) => analyzeSeo(text, { keywords: [], language: brief.language }).wordCount;
    const proposal: RegenerationProposal = {
      before: part.text,
      after: written.text.trim(),
      wordsBefore: words(part.text),
      wordsAfter: words(written.text),
      markdown,
      sources: written.sources,
      citations,
      baseMarkdown: article.markdown,
      createdAt: new Date().toISOString(),
    };
    await saveRunArticle(ctx, stepName, { regeneration: { ...request, state: 'proposed', proposal } });
    return;
  }
  await saveRunArticle(
    ctx,
    stepName,
    regeneratedFields(article, { markdown, sources: written.sources, citations }),
  );
}

/** The article's columns once a regenerated text is in: the text, its HTML and refreshed SEO results. */
export function regeneratedFields(
  article: ArticleRow,
  next: { markdown: string; sources: ArticleSource[]; citations: CitationCheck[] },
): ArticleFields {
  const seo = article.seo;
  const refreshed = seo ? seoPackAfterEdit(next.markdown, article.brief, article.title, seo) : null;
  return {
    markdown: next.markdown,
    html: renderHtml(next.markdown),
    sources: next.sources,
    citations: next.citations,
    regeneration: null,
    ...(refreshed
      ? { seo: refreshed, slug: refreshed.slug, wordCount: refreshed.wordCount }
      : {
          wordCount: analyzeSeo(next.markdown, { keywords: [], language: article.brief.language }).wordCount,
        }),
  };
}
