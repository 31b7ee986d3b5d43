// Estimates an article for a workspace: its role models (primary of each chain) and their prices
// (the workspace's own over the server's and the built-in table), and its own past articles.
// Calls no model and writes nothing.
import type { Database } from '../db/client.ts';
import type { PriceBook } from '../llm/prices.ts';
import { workspaceModelPrices } from '../llm/settings.ts';
import type { LlmGateway } from '../llm/types.ts';
import type { ArticleBrief } from '../writing/brief.ts';
import { type ArticleEstimate, estimateArticle, estimateRoles, type RoleModel } from './estimate.ts';
import { pastArticles } from './estimate-history-store.ts';

export interface EstimateDeps {
  database: Database;
  llm: Pick<LlmGateway, 'resolved'>;
  /** The server's prices (built-in table and LLM_PRICES_JSON), made once by the caller. */
  prices: PriceBook;
}

export async function estimateForWorkspace(
  deps: EstimateDeps,
  workspaceId: string,
  brief: ArticleBrief,
): Promise<ArticleEstimate> {
  const [{ chains }, own, history] = await Promise.all([
    deps.llm.resolved(workspaceId),
    workspaceModelPrices(deps.database, workspaceId),
    pastArticles(deps.database, workspaceId),
  ]);
  const models = Object.fromEntries(
    estimateRoles.map((role): [string, RoleModel] => {
      const ref = chains[role][0];
      return [
        role,
        ref
          ? { model: ref.id, price: deps.prices.priceOf(ref.provider, ref.model, own) }
          : { model: null, price: null },
      ];
    }),
  ) as Record<(typeof estimateRoles)[number], RoleModel>;
  return estimateArticle(brief, models, history);
}
