// Everything about a brief that can be refused before anything is spent: its shape, the documents
// and brand voice it names, an integration guide's spec (not an OpenAPI document, operations it does
// not have), web research without a provider, URLs the SSRF guard would refuse, and a workspace with
// no model to write with.
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { readGuide } from '../guides/guide-spec.ts';
import type { LlmGateway } from '../llm/types.ts';
import { researchFromConfig } from '../research/from-config.ts';
import type { Resolver } from '../security/ssrf/index.ts';
import { BlockedUrlError, parseAllowList, resolveTarget, systemResolver } from '../security/ssrf/index.ts';
import {
  type ArticleBrief,
  type BriefIssue,
  guideLanguages,
  guideOf,
  guideShapeIssues,
  parseBrief,
  validateBriefReferences,
} from '../writing/brief.ts';
import { outlineIssues, requestedHeadings } from '../writing/outline.ts';
import { brandVoiceExists } from './brand-voice-store.ts';
import { documentStatuses } from './document-store.ts';
import { sectionFloor } from './pipeline/section-sources.ts';

export interface BriefCheckDeps {
  database: Database;
  config: Config;
  llm: LlmGateway;
  resolver?: Resolver;
}

// A name that does not resolve quickly is left to the fetch (which reports it as a failed source):
// only a definite "this points inside" refuses the brief.
function quickResolver(resolver: Resolver, ms = 1500): Resolver {
  return (hostname) =>
    Promise.race([
      resolver(hostname),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('slow')), ms)),
    ]);
}

async function urlIssues(brief: ArticleBrief, deps: BriefCheckDeps): Promise<BriefIssue[]> {
  const allow = parseAllowList(deps.config.FETCH_ALLOW_HOSTS);
  const resolver = quickResolver(deps.resolver ?? systemResolver);
  const issues = await Promise.all(
    brief.research.urls.map(async (url, i) => {
      try {
        await resolveTarget(url, resolver, allow);
        return undefined;
      } catch (err) {
        if (err instanceof BlockedUrlError && err.reason !== 'unresolvable') {
          return { path: `research.urls.${i}`, message: err.message };
        }
        return undefined;
      }
    }),
  );
  return issues.filter((i): i is BriefIssue => i !== undefined);
}

export async function checkBrief(
  input: unknown,
  workspaceId: string,
  deps: BriefCheckDeps,
): Promise<ArticleBrief> {
  const parsed = parseBrief(input);
  if (!parsed.ok) throw new AppError('validation_error', 'The brief is invalid', parsed.issues);
  const brief = parsed.brief;
  const scope = { workspaceId };
  const issues = await validateBriefReferences(brief, {
    documentStatuses: (ids) => documentStatuses(deps.database, scope, ids),
    brandVoiceExists: (id) => brandVoiceExists(deps.database, scope, id),
  });
  if (brief.research.web && !researchFromConfig(deps.config).enabled) {
    issues.push({
      path: 'research.web',
      message:
        'Web research is not configured: set TAVILY_API_KEY, SERPAPI_API_KEY, BRAVE_API_KEY, EXA_API_KEY or SEARXNG_URL',
    });
  }
  issues.push(...outlineIssues(brief.outline), ...lengthIssues(brief));
  issues.push(...(await urlIssues(brief, deps)), ...(await guideIssues(brief, workspaceId, deps)));
  if (issues.length > 0) throw new AppError('validation_error', 'The brief is invalid', issues);

  const { chains } = await deps.llm.resolved(workspaceId);
  const missing = (['planner', 'writer', 'checker'] as const).filter((role) => chains[role].length === 0);
  if (missing.length > 0) {
    throw new AppError(
      'unavailable',
      `No language model is configured for ${missing.join(', ')}: set LLM_MODEL and a provider (e.g. OPENAI_COMPATIBLE_BASE_URL), or choose models in the LLM settings`,
    );
  }
  return { ...brief, keywords: distinctKeywords(brief.keywords) };
}

/** A guide's spec is read now (the run reads it again): a document that is no spec, or lacks an operation named, refuses the brief. */
async function guideIssues(
  brief: ArticleBrief,
  workspaceId: string,
  deps: BriefCheckDeps,
): Promise<BriefIssue[]> {
  const shape = guideShapeIssues(brief);
  const guide = guideOf(brief);
  if (shape.length > 0 || !guide) return shape;
  const outcome = await readGuide(deps.database, workspaceId, { ...guide, languages: guideLanguages(guide) });
  return 'issues' in outcome ? outcome.issues : [];
}

// A section is written at least `sectionFloor` words long, from the body's 80 % of the length
// (wordsPerSection): more headings than the length holds wrote an article many times the length
// asked for (30 headings at 300 words: 2,400 words of sections).
function lengthIssues(brief: ArticleBrief): BriefIssue[] {
  const sections = requestedHeadings(brief.outline).length;
  const needed = Math.ceil((sections * sectionFloor) / 0.8);
  if (sections === 0 || needed <= brief.words) return [];
  return [
    {
      path: 'words',
      message: `${sections} sections need at least ${needed} words (${sectionFloor} a section): ask for more words or fewer sections`,
    },
  ];
}

// "heat pumps" and "Heat Pumps" are one keyword: each is asked for once, in its first spelling.
function distinctKeywords(keywords: readonly string[]): string[] {
  const seen = new Set<string>();
  return keywords.filter((keyword) => {
    const key = keyword.normalize('NFC').toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
