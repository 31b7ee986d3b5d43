// An article as the API shows it: its row, its steps and the spend they add up to; one step with its
// input and output. A source's quoted text stays on the server.
import type { Database } from '../db/client.ts';
import type { Outline } from '../writing/outline.ts';
import type { ArticleRow } from './article-store.ts';
import { claimViews, instructionFlags } from './claim-view.ts';
import { targetLabel } from './section-target.ts';
import { stepKind, stepOutputSchemas } from './step-outputs.ts';
import { stepViews, stepWithData } from './step-view-store.ts';
import type { ArticleSource, ArticleView } from './types.ts';

function sectionsOf(outline: Outline | null) {
  return (outline?.sections ?? []).map((s, index) => ({ index, heading: s.heading }));
}

export function publicSources(sources: readonly ArticleSource[]) {
  return sources.map(({ text: _text, ...rest }) => rest);
}

/** A regeneration to review, as the writer sees it (the proposed article text stays on the server). */
function regenerationViewOf(row: ArticleRow): ArticleView['regeneration'] {
  const r = row.regeneration;
  if (!r?.review) return null;
  const p = r.proposal;
  return {
    target: r.target,
    label: targetLabel(r.target, row.outline ?? null),
    instruction: r.instruction,
    state: r.state,
    proposal: p
      ? {
          before: p.before,
          after: p.after,
          wordsBefore: p.wordsBefore,
          wordsAfter: p.wordsAfter,
          stale: p.baseMarkdown !== row.markdown,
          createdAt: p.createdAt,
        }
      : null,
  };
}

export async function articleView(database: Database, row: ArticleRow): Promise<ArticleView> {
  const steps = await stepViews(database, row.id);
  const usage = steps.reduce(
    (sum, s) => ({
      inputTokens: sum.inputTokens + s.inputTokens,
      outputTokens: sum.outputTokens + s.outputTokens,
      costUsd: sum.costUsd + s.costUsd,
      estimated: sum.estimated || s.usageEstimated,
    }),
    { inputTokens: 0, outputTokens: 0, costUsd: 0, estimated: false },
  );
  // A model without a price spent what `costUsd` cannot show: said, not shown as $0.
  const unpricedModels = [...new Set(steps.flatMap((s) => s.unpricedModels))].sort();
  const outline = row.outline ?? null;
  return {
    id: row.id,
    brief: row.brief,
    status: row.status,
    error: row.error,
    topic: row.topic,
    title: row.title,
    slug: row.slug,
    markdown: row.markdown,
    html: row.html,
    grounded: row.grounded,
    favorite: row.favorite,
    tags: row.tags,
    editorialStatus: row.editorialStatus,
    scheduledFor: row.scheduledFor,
    wordCount: row.wordCount,
    outline,
    sections: sectionsOf(outline),
    sources: publicSources(row.sources),
    citations: row.citations,
    factCheck: row.factCheck
      ? {
          claims: claimViews(
            row.markdown,
            row.factCheck.claims,
            (outline?.sections ?? []).map((s) => s.heading),
          ),
        }
      : null,
    instructionFlags: instructionFlags(row.markdown, row.sources),
    seo: row.seo ?? null,
    regeneration: regenerationViewOf(row),
    usage: {
      ...usage,
      costUsd: Math.round(usage.costUsd * 1e8) / 1e8,
      costKnown: unpricedModels.length === 0,
      unpricedModels,
    },
    steps,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * One step of the article with what it was given and what it stored, as the API shows it: the
 * gathered sources without their quoted text (an `articles:read` key may not read the workspace's
 * documents), and no output for a gather step this version cannot read.
 */
export async function articleStepView(
  database: Database,
  scope: { workspaceId: string },
  articleId: string,
  name: string,
) {
  const step = await stepWithData(database, scope, articleId, name);
  if (stepKind(name) !== 'gather' || step.output === null) return step;
  const gathered = stepOutputSchemas.gather.safeParse(step.output);
  return {
    ...step,
    output: gathered.success ? { ...gathered.data, sources: publicSources(gathered.data.sources) } : null,
  };
}
