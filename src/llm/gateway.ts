// The LLM gateway: every generation and embedding in Blogsmith goes through here.
// Per call: resolve the role's chain (workspace settings on top of the environment), look up the
// response cache, check the budget, then run the chain (limiter, breaker, timeout, retries,
// repair, fallback); each upstream request is reported to the recorder (ledger + metrics).
import { createHash } from 'node:crypto';
import { embedMany, generateText, NoObjectGeneratedError, NoOutputGeneratedError, Output } from 'ai';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { CircuitBreakers } from './circuit-breaker.ts';
import { InvalidOutputError } from './failures.ts';
import type { CachedLlmResponse, EmbeddingCache, LlmLimiter, ResponseCache } from './ports.ts';
import { estimateTokens, promptArgs, toUsage } from './prompt.ts';
import { ModelFactory } from './providers.ts';
import { type CallContext, type LlmRecorder, unrecorded } from './recorder.ts';
import { type ResolvedModels, resolveModels, type WorkspaceLlmSettings } from './resolve-models.ts';
import { type ChainEnv, type Reliability, runChain } from './run-chain.ts';
import { openStream } from './stream.ts';
import type {
  LlmEmbedOptions,
  LlmEmbedResult,
  LlmGateway,
  LlmObjectCall,
  LlmObjectResult,
  LlmRole,
  LlmStream,
  LlmTextCall,
  LlmTextResult,
  LlmUsage,
  ModelRef,
} from './types.ts';

export interface LlmGatewayDeps {
  config: Config;
  logger: Logger;
  recorder?: LlmRecorder;
  limiter?: LlmLimiter;
  responseCache?: ResponseCache;
  embeddingCache?: EmbeddingCache;
  /** Response-cache lifetime (LLM_CACHE_TTL). */
  cacheTtlSeconds?: number;
  /** A workspace's stored provider credentials and model choices, if any. */
  workspaceSettings?: (workspaceId: string) => Promise<WorkspaceLlmSettings | null>;
  /** Defaults come from LLM_TIMEOUT_SECONDS / LLM_MAX_RETRIES; the rest are tuning knobs. */
  reliability?: Partial<Reliability>;
}

interface Setup {
  resolved: ResolvedModels;
  /** Credential scope: clients and breakers are per scope. */
  scope: string;
  expires: number;
}

const workspaceSettingsTtlMs = 60_000;

export function createLlmGateway(deps: LlmGatewayDeps): LlmGateway {
  const { config, logger } = deps;
  const recorder = deps.recorder ?? unrecorded;
  const reliability: Reliability = {
    timeoutMs: config.LLM_TIMEOUT_SECONDS * 1000,
    maxRetries: config.LLM_MAX_RETRIES,
    baseDelayMs: 500,
    maxDelayMs: 20_000,
    maxRetryAfterMs: 60_000,
    breakerThreshold: 5,
    breakerCooldownMs: 30_000,
    ...deps.reliability,
  };
  const breakers = new CircuitBreakers({
    threshold: reliability.breakerThreshold,
    cooldownMs: reliability.breakerCooldownMs,
  });
  const factory = new ModelFactory();
  // The SDK prints provider warnings (e.g. an unknown model's limits) to the console; route them to
  // our logger instead. Process-wide by the SDK's design, so the latest gateway's logger wins.
  globalThis.AI_SDK_LOG_WARNINGS = ({ warnings, provider, model }) =>
    logger.debug({ provider, model, warnings }, 'AI SDK warnings');
  const environment: Setup = { resolved: resolveModels(config), scope: 'env', expires: Infinity };
  const workspaces = new Map<string, Setup>();

  async function setupFor(workspaceId?: string): Promise<Setup> {
    if (!workspaceId || !deps.workspaceSettings) return environment;
    const known = workspaces.get(workspaceId);
    if (known && known.expires > Date.now()) return known;
    const settings = await deps.workspaceSettings(workspaceId);
    const hasOwn = settings && (settings.credentials || settings.models);
    const setup: Setup = hasOwn
      ? {
          resolved: resolveModels(config, settings),
          scope: settings.credentials ? `ws:${workspaceId}` : 'env',
          expires: Date.now() + workspaceSettingsTtlMs,
        }
      : { ...environment, expires: Date.now() + workspaceSettingsTtlMs };
    workspaces.set(workspaceId, setup);
    return setup;
  }

  function chainEnv(setup: Setup, ctx: CallContext): ChainEnv {
    return {
      breakers,
      ...(deps.limiter && { limiter: deps.limiter }),
      reliability,
      scope: setup.scope,
      hooks: {
        onAttempt: (report) => recorder.attempt(ctx, report),
        onFallback: (from, to, reason) => {
          logger.warn({ from: from.id, to: to?.id, reason, role: ctx.role }, 'LLM fallback');
          recorder.fallback(ctx, from, to, reason);
        },
      },
    };
  }

  const contextOf = (role: LlmRole, call: LlmTextCall | LlmEmbedOptions): CallContext => ({
    role,
    purpose: call.purpose ?? { kind: 'embedding' },
    ...(call.workspaceId && { workspaceId: call.workspaceId }),
    ...(call.userId && { userId: call.userId }),
  });

  const schemaJson = new WeakMap<z.ZodType, unknown>();
  function responseCacheKey(chain: ModelRef[], call: LlmTextCall, schema?: z.ZodType): string {
    let json: unknown;
    if (schema) {
      json = schemaJson.get(schema);
      if (json === undefined) {
        json = z.toJSONSchema(schema);
        schemaJson.set(schema, json);
      }
    }
    // Fixed key order, so JSON.stringify is canonical.
    const parts = [
      chain.map((m) => m.id),
      call.system ?? null,
      call.prompt ?? null,
      call.messages ?? null,
      call.temperature ?? null,
      call.maxOutputTokens ?? null,
      json ?? null,
    ];
    return `llm:${createHash('sha256').update(JSON.stringify(parts)).digest('base64url')}`;
  }

  async function cachedResponse(ctx: CallContext, call: LlmTextCall, key: string | undefined) {
    if (!key || !deps.responseCache) return null;
    const started = performance.now();
    try {
      const hit = await deps.responseCache.get(key);
      if (hit) recorder.cacheHit(ctx, hit, performance.now() - started);
      else recorder.cacheMiss(ctx);
      return hit;
    } catch (err) {
      // The cache is an optimisation: a broken one must not stop generation.
      logger.warn({ err, purpose: call.purpose }, 'LLM response cache read failed');
      return null;
    }
  }

  // Cache writes stay off the call path; flush() waits for them like for ledger writes.
  const pendingCacheWrites = new Set<Promise<void>>();
  function storeResponse(key: string | undefined, value: CachedLlmResponse) {
    if (!key || !deps.responseCache) return;
    const write: Promise<void> = deps.responseCache
      .set(key, value, deps.cacheTtlSeconds ?? 86_400)
      .catch((err) => logger.warn({ err }, 'LLM response cache write failed'))
      .finally(() => pendingCacheWrites.delete(write));
    pendingCacheWrites.add(write);
  }

  const fromCache = (hit: CachedLlmResponse, started: number): LlmTextResult => ({
    text: hit.text,
    usage: hit.usage,
    provider: hit.provider as ModelRef['provider'],
    model: hit.model,
    costUsd: 0,
    cached: true,
    attempts: 0,
    latencyMs: performance.now() - started,
    ttftMs: null,
  });

  async function prepare(call: LlmTextCall, schema?: z.ZodType) {
    promptArgs(call); // rejects a malformed call before anything is spent on it
    const setup = await setupFor(call.workspaceId);
    const chain = setup.resolved.chains[call.role];
    const ctx = contextOf(call.role, call);
    const key =
      call.cache === false || !deps.responseCache ? undefined : responseCacheKey(chain, call, schema);
    return { setup, chain, ctx, key };
  }

  async function generate<T>(call: LlmTextCall, schema?: z.ZodType<T>, schemaName?: string) {
    const started = performance.now();
    const { setup, chain, ctx, key } = await prepare(call, schema);
    const hit = await cachedResponse(ctx, call, key);
    if (hit) return { ...fromCache(hit, started), object: hit.object as T };
    if (call.workspaceId) await recorder.checkBudget(call.workspaceId);

    const res = await runChain(
      chain,
      chainEnv(setup, ctx),
      { signal: call.signal, estimatedTokens: estimateTokens(call), label: `the ${call.role} role` },
      async (attempt) => {
        const model = factory.language(setup.scope, attempt.model, setup.resolved.credentials);
        const args = {
          model,
          ...promptArgs(call, attempt.repair),
          ...(call.temperature !== undefined && { temperature: call.temperature }),
          ...(call.maxOutputTokens !== undefined && { maxOutputTokens: call.maxOutputTokens }),
          // Our retries are the only ones: the SDK's would multiply them and ignore the chain.
          maxRetries: 0,
          abortSignal: attempt.signal,
        };
        if (!schema) {
          const r = await generateText(args);
          return { value: { text: r.text, object: undefined as T }, usage: toUsage(r.totalUsage) };
        }
        try {
          const r = await generateText({
            ...args,
            output: Output.object({ schema, ...(schemaName && { name: schemaName }) }),
          });
          return { value: { text: r.text, object: r.output as T }, usage: toUsage(r.totalUsage) };
        } catch (err) {
          if (NoObjectGeneratedError.isInstance(err)) {
            const cause = err.cause instanceof Error ? err.cause.message : err.message;
            throw new InvalidOutputError(cause, err.text ?? '', toUsage(err.usage));
          }
          if (NoOutputGeneratedError.isInstance(err))
            throw new InvalidOutputError(err.message, '', toUsage(undefined));
          throw err;
        }
      },
    );
    const usage = res.usage as LlmUsage;
    storeResponse(key, {
      text: res.value.text,
      ...(schema && { object: res.value.object }),
      usage,
      provider: res.model.provider,
      model: res.model.model,
    });
    return {
      text: res.value.text,
      object: res.value.object,
      usage,
      provider: res.model.provider,
      model: res.model.model,
      costUsd: recorder.cost(res.model.provider, res.model.model, usage),
      cached: false,
      attempts: res.attempts,
      latencyMs: performance.now() - started,
      ttftMs: null,
    };
  }

  return {
    async generateText(call) {
      const { object: _unused, ...result } = await generate<undefined>(call);
      return result;
    },

    async generateObject<T>(call: LlmObjectCall<T>): Promise<LlmObjectResult<T>> {
      return generate(call, call.schema, call.schemaName);
    },

    streamText(call): LlmStream {
      return openStream(call, {
        prepare: () => prepare(call),
        cachedResponse: (ctx, key) => cachedResponse(ctx, call, key),
        fromCache,
        storeResponse,
        checkBudget: (id) => recorder.checkBudget(id),
        cost: (ref, usage) => recorder.cost(ref.provider, ref.model, usage),
        chainEnv,
        languageModel: (setup, ref) => factory.language(setup.scope, ref, setup.resolved.credentials),
      });
    },

    async embed(texts: string[], options: LlmEmbedOptions = {}): Promise<LlmEmbedResult> {
      const setup = await setupFor(options.workspaceId);
      const chain = setup.resolved.chains.embedder;
      const ctx = contextOf('embedder', options);
      const ref = chain[0];
      const useCache = options.cache !== false && deps.embeddingCache && ref;
      const vectors: (number[] | null)[] =
        useCache && ref ? await deps.embeddingCache!.getMany(ref.id, texts) : texts.map(() => null);
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
      if (useCache) recorder.cacheMiss(ctx);
      if (options.workspaceId) await recorder.checkBudget(options.workspaceId);

      const res = await runChain(
        chain,
        chainEnv(setup, ctx),
        {
          signal: options.signal,
          estimatedTokens: Math.ceil(missing.reduce((n, m) => n + m.t.length, 0) / 4),
          label: 'embeddings',
        },
        async (attempt) => {
          const model = factory.embedding(setup.scope, attempt.model, setup.resolved.credentials);
          const r = await embedMany({
            model,
            values: missing.map((m) => m.t),
            maxRetries: 0,
            abortSignal: attempt.signal,
          });
          return {
            value: r.embeddings,
            usage: { inputTokens: r.usage?.tokens ?? 0, outputTokens: 0, cachedInputTokens: 0 },
          };
        },
      );
      missing.forEach(({ i }, k) => {
        vectors[i] = res.value[k] ?? null;
      });
      if (useCache)
        deps
          .embeddingCache!.setMany(
            res.model.id,
            missing.map((m) => m.t),
            res.value,
          )
          .catch((err) => logger.warn({ err }, 'Embedding cache write failed'));
      const usage = res.usage as LlmUsage;
      return {
        embeddings: vectors as number[][],
        usage: { inputTokens: usage.inputTokens },
        provider: res.model.provider,
        model: res.model.model,
        costUsd: recorder.cost(res.model.provider, res.model.model, usage),
        cachedCount,
      };
    },

    async resolved(workspaceId) {
      return (await setupFor(workspaceId)).resolved;
    },

    invalidateWorkspace(workspaceId) {
      const known = workspaces.get(workspaceId);
      workspaces.delete(workspaceId);
      if (known && known.scope !== 'env') factory.forget(known.scope);
      recorder.invalidate?.(workspaceId);
    },

    async flush() {
      await Promise.all(pendingCacheWrites);
      await recorder.flush();
    },
  };
}
