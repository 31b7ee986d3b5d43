// The article pipeline: plan → gather → outline → sections (concurrent) → intro/conclusion/FAQ →
// fact check → revision → citation check → SEO → render. Every step is durable (steps.ts): a run
// started again after a crash returns the stored outputs of finished steps without model calls.
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { brandVoices } from '../db/schema/articles.ts';
import { mapBounded } from '../research/bounded.ts';
import { analyzeSeo, articleJsonLd, slugify } from '../seo/index.ts';
import type { ArticleBrief } from '../writing/brief.ts';
import { lexicalSupport } from '../writing/citations.ts';
import { normaliseOutline, type Outline, outlineSchema } from '../writing/outline.ts';
import { renderHtml } from '../writing/render.ts';
import { localToGlobal } from '../writing/sections.ts';
import { checkCitations, factCheckSections, quoted, reviseSections, type SectionForCheck } from './checks.ts';
import { composeArticle } from './compose.ts';
import { fitQuotes, fullQuoteChars } from './prompt-budget.ts';
import {
  type BrandVoice,
  conclusionPrompt,
  faqPrompt,
  faqSchema,
  introPrompt,
  outlinePrompt,
  planPrompt,
  researchPlanSchema,
  sectionPrompt,
  seoMetaSchema,
  seoPrompt,
  writerSystem,
} from './prompts.ts';
import { numberSources, type SourceProvider } from './sources.ts';
import { declareSteps, type RunContext, runStep, type StepLlm, skipStep } from './steps.ts';
import { articleById, updateArticle } from './store.ts';
import type { ArticleSource, CitationCheck, FactCheckClaim, SeoPack } from './types.ts';

export interface PipelineOptions {
  /** Sections (and checks) written at once. */
  concurrency: number;
  /** Builds the source providers the brief asks for. */
  sourceProviders(brief: ArticleBrief, ctx: RunContext): SourceProvider[];
}

export const stepPositions = {
  plan: 0,
  gather: 1,
  outline: 2,
  section: 10,
  intro: 100,
  conclusion: 101,
  faq: 102,
  factcheck: 110,
  revise: 111,
  citations: 112,
  seo: 120,
  render: 130,
} as const;

export async function loadBrandVoice(
  database: Database,
  id: string | undefined,
): Promise<BrandVoice | undefined> {
  if (!id) return undefined;
  const [voice] = await database.db.select().from(brandVoices).where(eq(brandVoices.id, id));
  return voice ? { name: voice.name, guidelines: voice.guidelines } : undefined;
}

interface Gathered {
  questions: string[];
  sources: ArticleSource[];
}

// Coalesces a section's streamed text (or the model's thinking) into one event per interval, so a
// fast stream does not become thousands of rows; the last piece is flushed when the stream ends.
function deltaPublisher(
  ctx: RunContext,
  part: string,
  index?: number,
  type: 'section.delta' | 'section.thinking' = 'section.delta',
  intervalMs = 200,
) {
  let buffer = '';
  let last = 0;
  let pending = Promise.resolve();
  const flush = () => {
    if (!buffer) return pending;
    const text = buffer;
    buffer = '';
    last = Date.now();
    // Text deltas are a live view, not the record (the step's output is): one that cannot be
    // written (the article was deleted meanwhile) is dropped rather than failing the run.
    pending = pending.then(() =>
      ctx.events
        .publish(ctx.article.id, type, { part, ...(index !== undefined ? { index } : {}), text })
        .then(
          () => {},
          (err) => ctx.logger.debug({ err, articleId: ctx.article.id }, 'text delta not published'),
        ),
    );
    return pending;
  };
  return {
    push(text: string) {
      buffer += text;
      if (Date.now() - last >= intervalMs) void flush();
    },
    async end() {
      await flush();
    },
  };
}

export async function streamSectionText(
  ctx: RunContext,
  llm: StepLlm,
  part: string,
  index: number | undefined,
  call: {
    system: string;
    prompt: string;
    maxOutputTokens?: number;
    fit?: (maxPromptTokens: number) => { system: string; prompt: string };
  },
): Promise<string> {
  // A reasoning model's thinking is shown live as its own event type, never as article text.
  const thinking = deltaPublisher(ctx, part, index, 'section.thinking');
  const stream = llm.streamText({ role: 'writer', ...call, onReasoning: (text) => thinking.push(text) });
  const deltas = deltaPublisher(ctx, part, index);
  for await (const text of stream) deltas.push(text);
  await Promise.all([thinking.end(), deltas.end()]);
  return (await stream.result).text.trim();
}

// A section the outline gave no sources still gets the ones closest to its subject.
function assignSources(outline: Outline, sources: readonly ArticleSource[]): Outline {
  const valid = (n: number) => n >= 1 && n <= sources.length;
  return {
    ...outline,
    sections: outline.sections.map((section) => {
      const ids = section.sourceIds.filter(valid);
      if (ids.length > 0 || sources.length === 0) return { ...section, sourceIds: ids };
      const subject = `${section.heading} ${section.goal} ${section.keyPoints.join(' ')}`;
      const ranked = sources
        .map((s) => ({ n: s.n, score: lexicalSupport(subject, s.text) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 3)
        .map((r) => r.n);
      return { ...section, sourceIds: ranked };
    }),
  };
}

export async function runArticlePipeline(ctx: RunContext, options: PipelineOptions): Promise<void> {
  const row = await articleById(ctx.database, ctx.article.id);
  if (!row) throw new Error(`article ${ctx.article.id} vanished`);
  const brief = row.brief;
  const system = writerSystem(brief, await loadBrandVoice(ctx.database, brief.brandVoiceId));
  const { concurrency } = options;
  const providers = options.sourceProviders(brief, ctx);
  const { rows: gatherDone } = await ctx.database.query(
    "SELECT 1 FROM article_steps WHERE article_id = $1 AND name = 'gather' AND status = 'completed'",
    [ctx.article.id],
  );
  if (gatherDone.length === 0) for (const p of providers) p.prepare?.(ctx.signal);

  const plan = await runStep(ctx, 'plan', stepPositions.plan, async (llm) => {
    const { object } = await llm.generateObject({
      role: 'planner',
      system,
      prompt: planPrompt(brief),
      schema: researchPlanSchema,
      schemaName: 'research_plan',
    });
    return { questions: object.questions };
  });

  const gathered = await runStep<Gathered>(ctx, 'gather', stepPositions.gather, async () => {
    const groups = await Promise.all(providers.map((p) => p.find(plan.questions, ctx.signal)));
    const sources = numberSources(groups);
    for (const s of sources) {
      await ctx.events.publish(ctx.article.id, 'source.found', {
        n: s.n,
        kind: s.kind,
        title: s.title,
        ...(s.url ? { url: s.url } : {}),
        ...(s.documentId ? { documentId: s.documentId, page: s.page } : {}),
        excerpt: s.excerpt,
      });
    }
    return { questions: plan.questions, sources };
  });
  const sources = gathered.sources;
  const grounded = sources.length > 0;

  const outline = await runStep(ctx, 'outline', stepPositions.outline, async (llm) => {
    const { object } = await llm.generateObject({
      role: 'planner',
      system,
      prompt: outlinePrompt(brief, sources),
      // Many sources on a small model: shorter excerpts of each.
      fit: (budget) => fitQuotes(budget, system, (chars) => outlinePrompt(brief, sources, chars / 8), 2400),
      schema: outlineSchema,
      schemaName: 'article_outline',
    });
    return assignSources(normaliseOutline(brief.outline, object), sources);
  });
  const title = brief.title ?? outline.title;
  await updateArticle(ctx.database, ctx.article.id, {
    outline,
    title,
    slug: slugify(title),
    grounded,
    sources,
  });
  const sectionStep = (i: number) => `section:${i}`;
  await declareSteps(ctx, [
    ...outline.sections.map((_, i) => ({ name: sectionStep(i), position: stepPositions.section + i })),
    { name: 'intro', position: stepPositions.intro },
    { name: 'conclusion', position: stepPositions.conclusion },
    ...(outline.faq?.length ? [{ name: 'faq', position: stepPositions.faq }] : []),
    { name: 'factcheck', position: stepPositions.factcheck },
    { name: 'revise', position: stepPositions.revise },
    { name: 'citations', position: stepPositions.citations },
    { name: 'seo', position: stepPositions.seo },
    { name: 'render', position: stepPositions.render },
  ]);

  const wordsPerSection = Math.max(80, Math.round((brief.words * 0.8) / outline.sections.length));
  const drafted = await mapBounded(outline.sections, concurrency, (section, i) =>
    runStep(ctx, sectionStep(i), stepPositions.section + i, async (llm) => {
      const focus = `${section.heading} ${section.goal} ${section.keyPoints.join(' ')}`;
      // The section sees its sources numbered 1..k; its citations are mapped back to the global numbers.
      // Each is quoted by its best passage for the section, shorter when the model's context is small.
      const build = (maxChars: number) =>
        sectionPrompt({
          brief,
          outline,
          section,
          index: i,
          words: wordsPerSection,
          sources: section.sourceIds.map((n, k) => ({
            ...quoted(sources[n - 1]!, focus, maxChars),
            n: k + 1,
          })),
        });
      const text = await streamSectionText(ctx, llm, sectionStep(i), i, {
        system,
        prompt: build(fullQuoteChars),
        maxOutputTokens: Math.max(600, wordsPerSection * 3),
        fit: (budget) => fitQuotes(budget, system, build),
      });
      // Any citation spelling becomes `[n]`; numbers beyond the section's sources are removed and counted.
      const cited = localToGlobal(text, section.sourceIds);
      return { heading: section.heading, markdown: cited.markdown, removedCitations: cited.removed };
    }),
  );
  const bodies = drafted.map((d) => d.markdown);

  const [intro, conclusion, faq] = await Promise.all([
    runStep(ctx, 'intro', stepPositions.intro, (llm) =>
      streamSectionText(ctx, llm, 'intro', undefined, {
        system,
        prompt: introPrompt(brief, outline, bodies),
      }),
    ),
    runStep(ctx, 'conclusion', stepPositions.conclusion, (llm) =>
      streamSectionText(ctx, llm, 'conclusion', undefined, {
        system,
        prompt: conclusionPrompt(brief, outline, bodies),
      }),
    ),
    outline.faq?.length
      ? runStep(ctx, 'faq', stepPositions.faq, async (llm) => {
          const { object } = await llm.generateObject({
            role: 'writer',
            system,
            prompt: faqPrompt(outline, outline.faq ?? []),
            schema: faqSchema,
            schemaName: 'faq',
          });
          return object.items;
        })
      : Promise.resolve([]),
  ]);

  const forCheck: SectionForCheck[] = outline.sections.map((s, i) => ({
    index: i,
    markdown: bodies[i] ?? '',
    sourceIds: s.sourceIds,
  }));
  let claims: FactCheckClaim[] = [];
  if (brief.factCheck && grounded) {
    claims = await runStep(ctx, 'factcheck', stepPositions.factcheck, (llm) =>
      factCheckSections(llm, forCheck, sources, concurrency),
    );
  } else {
    await skipStep(ctx, 'factcheck', stepPositions.factcheck, []);
  }
  let revised = bodies;
  if (claims.some((c) => c.verdict !== 'supported')) {
    revised = await runStep(ctx, 'revise', stepPositions.revise, (llm) =>
      reviseSections(llm, system, forCheck, claims, sources, concurrency),
    );
  } else {
    await skipStep(ctx, 'revise', stepPositions.revise, bodies);
  }

  const composed = composeArticle(
    {
      title,
      intro,
      sections: outline.sections.map((s, i) => ({ heading: s.heading, markdown: revised[i] ?? '' })),
      conclusion,
      faq,
    },
    sources,
  );
  const finalClaims = claims.map((c) => ({
    ...c,
    sources: c.sources.map(composed.renumber).filter((n): n is number => n !== undefined),
    ...(c.verdict !== 'supported' && revised[c.section] !== bodies[c.section] ? { revised: true } : {}),
  }));
  // A partial article is visible while the checks run, and stays if they fail (written alongside them).
  const partialSaved = updateArticle(ctx.database, ctx.article.id, {
    markdown: composed.markdown,
    sources: composed.sources,
    ...(brief.factCheck && grounded ? { factCheck: { claims: finalClaims } } : {}),
  });

  // The citation check and the SEO pack both read the final text and run side by side; the HTML is
  // rendered while their model calls are in flight.
  const citationsRun = grounded
    ? runStep(ctx, 'citations', stepPositions.citations, (llm) =>
        checkCitations(llm, composed.markdown, composed.sources, brief.language, concurrency),
      )
    : skipStep(ctx, 'citations', stepPositions.citations, []).then(() => [] as CitationCheck[]);
  const seoRun: Promise<SeoPack | null> = brief.seo
    ? runStep(ctx, 'seo', stepPositions.seo, async (llm) => {
        const { object } = await llm.generateObject({
          role: 'planner',
          system,
          prompt: seoPrompt(
            brief,
            title,
            intro,
            outline.sections.map((s) => s.heading),
          ),
          schema: seoMetaSchema,
          schemaName: 'seo_meta',
        });
        return seoPack(composed.markdown, brief, title, object);
      })
    : skipStep(ctx, 'seo', stepPositions.seo, null).then(() => null);
  const html = renderHtml(composed.markdown);
  const [citations, seo] = await Promise.all([citationsRun, seoRun, partialSaved]);

  await runStep(ctx, 'render', stepPositions.render, async () => {
    const wordCount =
      seo?.wordCount ?? analyzeSeo(composed.markdown, { keywords: [], language: brief.language }).wordCount;
    await updateArticle(ctx.database, ctx.article.id, {
      markdown: composed.markdown,
      html,
      wordCount,
      citations,
      seo,
      slug: seo?.slug ?? slugify(title),
    });
    // Citations to sources that were never given, removed from the text (sections, intro, conclusion).
    const removedCitations =
      drafted.reduce((n, d) => n + (d.removedCitations ?? 0), 0) + composed.removedCitations;
    if (removedCitations > 0)
      ctx.logger.info({ article: ctx.article.id, removedCitations }, 'invalid citations removed');
    return { wordCount, removedCitations };
  });
}

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
