// Embeddings: the texts the embedding cache does not know go through the chain in one request;
// cached and fresh vectors are returned in the texts' order. A model that can be asked for a width
// is asked for the embedding column's (embedding-width.ts).
import { embedMany } from 'ai';
import { askedWidth, widthRequest } from './embedding-width.ts';
import { contextOf, type GatewayCore } from './gateway-core.ts';
import { holdBudget } from './hold-budget.ts';
import { cacheOwner } from './response-cache-key.ts';
import { runChain } from './run-chain.ts';
import { countTokens } from './token-count.ts';
import type { LlmEmbedOptions, LlmEmbedResult, LlmUsage, ModelRef } from './types.ts';

/**
 * The tokens the server reported, or — when it sent none (Gemini's API never does; the AI SDK then
 * says NaN) — the texts counted with the tokenizer and marked estimated: NaN priced nothing, broke
 * the ledger row and the budget, and made the token metrics NaN.
 */
function embeddingUsage(reported: number | undefined, texts: ReadonlyArray<{ t: string }>): LlmUsage {
  if (reported !== undefined && Number.isFinite(reported) && reported > 0)
    return { inputTokens: reported, outputTokens: 0, cachedInputTokens: 0 };
  const counted = texts.reduce((n, { t }) => n + countTokens(t), 0);
  return { inputTokens: counted, outputTokens: 0, cachedInputTokens: 0, estimated: true };
}

export async function embed(
  core: GatewayCore,
  texts: string[],
  options: LlmEmbedOptions,
): Promise<LlmEmbedResult> {
  const { recorder, deps } = core;
  const setup = await core.setups.setupFor(options.workspaceId);
  const chain = setup.resolved.chains.embedder;
  const ctx = contextOf('embedder', options);
  const ref = chain[0];
  const cache = options.cache !== false && ref ? deps.embeddingCache : undefined;
  const dimensions = options.dimensions ?? deps.config.EMBEDDING_DIMENSIONS;
  // The cache's namespace: the model, for this workspace under these credentials (cacheOwner), and
  // the width it is asked for when that is not its own (vectors of another width are other vectors).
  const namespace = (model: ModelRef) => {
    const asked = askedWidth(model, dimensions);
    return `${cacheOwner(setup.scope, options.workspaceId)}\n${model.id}${asked ? `\n${asked}` : ''}`;
  };
  const none = () => texts.map(() => null);
  // The cache only saves calls: one that cannot be read is a miss (as for answers), not a failed
  // search or ingestion.
  const vectors: (number[] | null)[] =
    cache && ref
      ? await cache.getMany(namespace(ref), texts).catch((err: unknown) => {
          core.logger.warn({ err }, 'Embedding cache read failed');
          return none();
        })
      : none();
  const missing = texts.map((t, i) => ({ t, i })).filter(({ i }) => vectors[i] === null);
  const cachedCount = texts.length - missing.length;
  if (ref && cachedCount > 0) recorder.cacheHit(ctx, { provider: ref.provider, model: ref.model }, 0);
  if (ref && missing.length === 0)
    return {
      embeddings: vectors as number[][],
      usage: { inputTokens: 0 },
      provider: ref.provider,
      model: ref.model,
      costUsd: 0,
      cachedCount,
    };
  if (cache) recorder.cacheMiss(ctx);
  const estimatedTokens = Math.ceil(missing.reduce((n, m) => n + m.t.length, 0) / 4);
  // An embedder without a price is not refused under a budget, as text models are: embeddings are
  // a sliver of the spend, and refusing them stranded documents in the queue and turned vector
  // search off without a word. Their cost is reported unknown like any unpriced call's.
  const held = await holdBudget(
    recorder,
    options.workspaceId,
    chain,
    setup.prices,
    { inputTokens: estimatedTokens, outputTokens: 0, cachedInputTokens: 0 },
    { refuseUnpriced: false },
  );
  const res = await runChain(
    chain,
    core.chainEnv(setup, ctx),
    {
      signal: options.signal,
      estimatedTokens,
      label: 'embeddings',
    },
    async (attempt) => {
      const providerOptions = widthRequest(attempt.model, dimensions);
      const r = await embedMany({
        model: core.factory.embedding(setup.scope, attempt.model, setup.resolved.credentials),
        values: missing.map((m) => m.t),
        maxRetries: 0,
        abortSignal: attempt.signal,
        ...(providerOptions && { providerOptions }),
      });
      return { value: r.embeddings, usage: embeddingUsage(r.usage?.tokens, missing) };
    },
  ).finally(() => held.release());
  missing.forEach(({ i }, k) => {
    vectors[i] = res.value[k] ?? null;
  });
  if (cache)
    cache
      .setMany(
        namespace(res.model),
        missing.map((m) => m.t),
        res.value,
      )
      .catch((err) => core.logger.warn({ err }, 'Embedding cache write failed'));
  const usage = res.usage as LlmUsage;
  return {
    embeddings: vectors as number[][],
    usage: { inputTokens: usage.inputTokens },
    provider: res.model.provider,
    model: res.model.model,
    costUsd: recorder.cost(res.model.provider, res.model.model, usage, setup.prices),
    cachedCount,
  };
}
