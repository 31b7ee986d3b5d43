// The judge: scores one finished article against the sources it was given, with the pipeline's own
// checking prompts (the same citation verdicts and claim extraction the article steps use), sent to
// the judge model. Limits: a judge of the same model family as the writer tends to be lenient with
// it; pass a stronger, different judge with `blogsmith eval --judge`.
import { checkCitations, factCheckSections, type SectionForCheck } from '../articles/checks.ts';
import type { StepLlm } from '../articles/steps.ts';
import type { ArticleSource } from '../articles/types.ts';
import type { LlmGateway } from '../llm/types.ts';
import { citedSentences, stripCitations, withoutReferences } from '../writing/citations.ts';
import { inlinePlain } from '../writing/inline-plain.ts';
import { splitSentences } from '../writing/sentences.ts';
import type { StatementJudgement } from './metrics.ts';

/** The judge gateway as the checking steps expect it; its calls are billed to no article. */
export function judgeLlm(gateway: LlmGateway): StepLlm {
  const purpose = { kind: 'check' as const, step: 'eval' };
  return {
    generateText: (call) => gateway.generateText({ ...call, purpose }),
    streamText: (call) => gateway.streamText({ ...call, purpose }),
    generateObject: (call) => gateway.generateObject({ ...call, purpose }),
  };
}

/** Prose statements of the article: questions (FAQ) and one- or two-word fragments are not claims. */
export function statementsOf(markdown: string): Array<{ sentence: string; offset: number }> {
  return splitSentences(withoutReferences(markdown))
    .map((s) => ({ sentence: stripCitations(inlinePlain(s.text)).trim(), offset: s.offset }))
    .filter((s) => s.sentence.split(/\s+/).length >= 3 && !s.sentence.endsWith('?'));
}

export async function judgeArticle(
  llm: StepLlm,
  markdown: string,
  sources: readonly ArticleSource[],
  language: string,
  concurrency = 4,
): Promise<{ statements: StatementJudgement[]; claims: Array<{ claim: string; supported: boolean }> }> {
  const cited = citedSentences(markdown);
  const byOffset = new Map(cited.map((c) => [c.offset, c]));
  // Joint support: every cited sentence with all its sources, as the citation-check step judges it.
  const joint = await checkCitations(llm, markdown, sources, language, concurrency);
  // Per pair: one line per (sentence, source) so that each source is judged on its own.
  const pairs = cited.flatMap((c) => c.sources.map((n) => ({ sentence: c.sentence, n })));
  const pairMarkdown = pairs.map((p) => `${p.sentence.trimEnd()} [${p.n}]`).join('\n\n');
  const perPair =
    pairs.length > 0 ? await checkCitations(llm, pairMarkdown, sources, language, concurrency) : [];
  const pairVerdict = new Map(perPair.map((v) => [`${v.sources[0]}|${v.sentence}`, v.supported]));
  const jointVerdict = new Map(joint.map((v) => [`${v.sources.join(',')}|${v.sentence}`, v.supported]));

  const statements = statementsOf(markdown).map((s): StatementJudgement => {
    const c = byOffset.get(s.offset);
    if (!c) return { sentence: s.sentence, supported: false, citations: [] };
    return {
      sentence: s.sentence,
      supported: jointVerdict.get(`${c.sources.join(',')}|${c.sentence}`) ?? false,
      citations: c.sources.map((n) => ({ n, supports: pairVerdict.get(`${n}|${c.sentence}`) ?? false })),
    };
  });

  const body: SectionForCheck = {
    index: 0,
    markdown: withoutReferences(markdown),
    sourceIds: sources.map((s) => s.n),
  };
  const claims = (await factCheckSections(llm, [body], sources, concurrency)).map((c) => ({
    claim: c.claim,
    supported: c.verdict === 'supported',
  }));
  return { statements, claims };
}
