// What an article will cost and how long it will take, before Generate: tokens per role from the
// pipeline's step plan and the target length, priced with the role's model, timed by output speed.
// Pure: the numbers come from `estimate-history-store.ts` (this workspace's finished articles) when
// there are some, else from a first-guess formula. Always a range: one run differs from the next.
import type { Price } from '../llm/prices.ts';
import type { GenerationRole } from '../llm/roles.ts';
import { type ArticleBrief, webSourcesOf } from '../writing/brief.ts';
import { type Outline, plannedSectionCount } from '../writing/outline.ts';
import { stepsAfterOutline } from './pipeline/step-plan.ts';

export const estimateRoles = ['planner', 'writer', 'checker'] as const satisfies readonly GenerationRole[];

export interface Range {
  low: number;
  high: number;
}

/** Measured on one finished article of the workspace (its ledger rows, purpose_id = article id). */
export interface PastArticle {
  /** The brief's target words. */
  words: number;
  tokens: Record<GenerationRole, { input: number; output: number }>;
  /** Sum of the calls' latency. */
  latencyMs: number;
}

export interface RoleModel {
  /** `provider:model`, or null when no model serves the role. */
  model: string | null;
  price: Price | null;
}

export interface RoleEstimate {
  role: GenerationRole;
  model: string | null;
  inputTokens: Range;
  outputTokens: Range;
  /** USD; null when the model has no known price (never a guessed $0). */
  costUsd: Range | null;
  priceUnknown: boolean;
}

export interface ArticleEstimate {
  basis: 'history' | 'rough';
  /** Finished articles of the workspace the ratios were measured on (0 for `rough`). */
  articlesUsed: number;
  steps: number;
  inputTokens: Range;
  outputTokens: Range;
  minutes: Range;
  costUsd: Range | null;
  priceUnknown: boolean;
  roles: RoleEstimate[];
}

// First guesses (`rough`), used until the workspace has finished an article. Tokens per English word
// is ~1.3; a prompt carries the brief, instructions and (when grounded) source passages.
const tokensPerWord = 1.35;
const sourceTokens = 1500; // source passages in a grounded step's prompt
const listedSourceTokens = 100; // a web page in the outline's source list: title and a short excerpt
const promptTokens = 600; // system prompt, brief, instructions
const faqOutputTokens = 350;
// Output speed of hosted models: 20–60 tokens/s; plus a second of overhead per call.
const roughSecondsPerOutputToken: Range = { low: 1 / 60, high: 1 / 20 };
const secondsPerCall = 1;
// History-based numbers still vary between runs: never narrower than ±15%.
const minSpread = 0.15;
// Rough numbers are first guesses: wider.
const roughSpread: Range = { low: 0.7, high: 1.5 };

const grounded = (b: ArticleBrief) =>
  b.research.web || b.research.knowledge || b.research.documents.length > 0 || b.research.urls.length > 0;

type StepTokens = { role: GenerationRole; input: number; output: number };

/**
 * The steps an article with this brief runs (the pipeline's plan, step-plan.ts), with first-guess
 * tokens for each; the render step calls no model. Facts and citations are checked only against
 * sources (run-checks.ts): a brief asking for research is assumed to find some, so this errs high.
 */
export function roughSteps(brief: ArticleBrief): StepTokens[] {
  // As many as the outline step asks for (an empty list of headings leaves them to the model).
  const sections = plannedSectionCount(brief);
  const sources = grounded(brief) ? sourceTokens : 0;
  // The outline lists every page web research keeps; a section quotes only the pages it is given.
  const listed = brief.research.web ? webSourcesOf(brief) * listedSourceTokens : 0;
  const article = Math.round(brief.words * tokensPerWord);
  const perSection = Math.round(article / sections);
  // An outline of `sections` sections with an FAQ (the planner usually adds one).
  const plan = stepsAfterOutline({
    sections: Array.from({ length: sections }) as Outline['sections'],
    faq: ['?'],
  });
  const out: StepTokens[] = [
    { role: 'planner', input: promptTokens, output: 150 }, // plan
    { role: 'planner', input: promptTokens + sources + listed, output: 60 * sections + 100 }, // outline
  ];
  for (const step of plan) {
    const kind = step.name.split(':')[0];
    if (kind === 'section') out.push({ role: 'writer', input: promptTokens + sources, output: perSection });
    else if (kind === 'intro' || kind === 'conclusion')
      out.push({ role: 'writer', input: promptTokens + article, output: 150 });
    else if (kind === 'faq') out.push({ role: 'writer', input: promptTokens, output: faqOutputTokens });
    else if (kind === 'factcheck' && brief.factCheck && sources)
      out.push({ role: 'checker', input: promptTokens + article + sources, output: 500 });
    else if (kind === 'revise' && brief.factCheck && sources)
      out.push({ role: 'writer', input: promptTokens + perSection, output: perSection / 2 });
    else if (kind === 'citations' && sources)
      out.push({ role: 'checker', input: promptTokens + article + sources, output: 300 });
    else if (kind === 'seo' && brief.seo)
      out.push({ role: 'planner', input: promptTokens + 300, output: 200 });
  }
  return out;
}

const scale = (r: Range, by: number): Range => ({ low: r.low * by, high: r.high * by });
const add = (a: Range, b: Range): Range => ({ low: a.low + b.low, high: a.high + b.high });
const zero: Range = { low: 0, high: 0 };

/** min..max of the values, widened to at least ±minSpread around their mean. */
function spreadOf(values: number[]): Range {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return {
    low: Math.min(Math.min(...values), mean * (1 - minSpread)),
    high: Math.max(Math.max(...values), mean * (1 + minSpread)),
  };
}

const cost = (input: Range, output: Range, price: Price): Range => ({
  low: (input.low * price.input + output.low * price.output) / 1_000_000,
  high: (input.high * price.input + output.high * price.output) / 1_000_000,
});

// Rounded outward: a range of whole tokens, cents-and-below precision for money, whole minutes.
const tokensRange = (r: Range): Range => ({ low: Math.floor(r.low), high: Math.ceil(r.high) });
const usdRange = (r: Range): Range => ({
  low: Math.floor(r.low * 10_000) / 10_000,
  high: Math.ceil(r.high * 10_000) / 10_000,
});
const minutesRange = (r: Range): Range => ({
  low: Math.max(1, Math.floor(r.low / 60)),
  high: Math.max(1, Math.ceil(r.high / 60)),
});

export function estimateArticle(
  brief: ArticleBrief,
  models: Record<GenerationRole, RoleModel>,
  history: readonly PastArticle[],
): ArticleEstimate {
  const steps = roughSteps(brief);
  const tokens = {} as Record<GenerationRole, { input: Range; output: Range }>;
  let seconds: Range;
  const measured = history.filter((a) => a.words > 0);
  if (measured.length) {
    // Tokens per target word, per role, as this workspace's articles used them.
    for (const role of estimateRoles) {
      tokens[role] = {
        input: scale(spreadOf(measured.map((a) => a.tokens[role].input / a.words)), brief.words),
        output: scale(spreadOf(measured.map((a) => a.tokens[role].output / a.words)), brief.words),
      };
    }
    const speeds = measured
      .map((a) => {
        const out = estimateRoles.reduce((s, r) => s + a.tokens[r].output, 0);
        return out > 0 ? a.latencyMs / 1000 / out : null;
      })
      .filter((s): s is number => s !== null);
    const perToken = speeds.length ? spreadOf(speeds) : roughSecondsPerOutputToken;
    const output = estimateRoles.reduce((s, r) => add(s, tokens[r].output), zero);
    // Latency summed over calls: sections drafted side by side finish sooner, so this is the high end.
    seconds = { low: output.low * perToken.low * 0.6, high: output.high * perToken.high };
  } else {
    for (const role of estimateRoles) {
      const own = steps.filter((s) => s.role === role);
      const input = own.reduce((s, t) => s + t.input, 0);
      const output = own.reduce((s, t) => s + t.output, 0);
      tokens[role] = { input: scale(roughSpread, input), output: scale(roughSpread, output) };
    }
    const output = estimateRoles.reduce((s, r) => add(s, tokens[r].output), zero);
    seconds = {
      low: output.low * roughSecondsPerOutputToken.low + steps.length * secondsPerCall,
      high: output.high * roughSecondsPerOutputToken.high + steps.length * secondsPerCall,
    };
  }
  const roles: RoleEstimate[] = estimateRoles.map((role) => {
    const { model, price } = models[role];
    const { input, output } = tokens[role];
    const used = output.high > 0 || input.high > 0;
    const known = price !== null && model !== null;
    return {
      role,
      model,
      inputTokens: tokensRange(input),
      outputTokens: tokensRange(output),
      costUsd: known ? usdRange(cost(input, output, price)) : used ? null : { low: 0, high: 0 },
      priceUnknown: used && !known,
    };
  });
  const priceUnknown = roles.some((r) => r.priceUnknown);
  return {
    basis: measured.length ? 'history' : 'rough',
    articlesUsed: measured.length,
    steps: steps.length + 1, // + render, which calls no model
    inputTokens: tokensRange(roles.reduce((s, r) => add(s, r.inputTokens), zero)),
    outputTokens: tokensRange(roles.reduce((s, r) => add(s, r.outputTokens), zero)),
    minutes: minutesRange(seconds),
    costUsd: priceUnknown ? null : usdRange(roles.reduce((s, r) => add(s, r.costUsd ?? zero), zero)),
    priceUnknown,
    roles,
  };
}
