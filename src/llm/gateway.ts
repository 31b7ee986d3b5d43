// The LLM gateway: every generation and embedding in Blogsmith goes through here.
// Per call: resolve the role's chain (workspace settings on top of the environment), look up the
// response cache, check the budget, then run the chain (limiter, breaker, timeout, retries,
// repair, fallback); each upstream request is reported to the recorder (ledger + metrics).
import { createHash } from 'node:crypto';
import { embedMany, generateText, type LanguageModel, NoOutputGeneratedError } from 'ai';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { CircuitBreakers } from './circuit-breaker.ts';
import { ContextWindows } from './context-window.ts';
import { InvalidOutputError, RungUnsupportedError } from './failures.ts';
import { ContextFitter, isContextOverflow, newFitState } from './fit-context.ts';
import { observeStructuredOutput } from './metrics.ts';
import { OutputCapabilities, type RungStore } from './output-capabilities.ts';
import type { CachedLlmResponse, EmbeddingCache, LlmLimiter, ResponseCache } from './ports.ts';
import { estimateTokens, type PromptArgs, promptArgs, toUsage } from './prompt.ts';
import { ModelFactory } from './providers.ts';
import { stripStrayReasoning } from './reasoning.ts';
import { type CallContext, type LlmRecorder, unrecorded } from './recorder.ts';
import { type ResolvedModels, resolveModels, type WorkspaceLlmSettings } from './resolve-models.ts';
import { type Attempt, type ChainEnv, type Reliability, runChain, zeroUsage } from './run-chain.ts';
import { openStream } from './stream.ts';
import { lowerRung, refusesRung, requestAtRung } from './structured-output.ts';
import { countTokens, estimatedUsage, usageMissing } from './token-count.ts';
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
  OutputRung,
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
  /** Remembers each model's structured-output rung across processes (the cache key/value store). */
  capabilityStore?: RungStore;
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
  const capabilities = new OutputCapabilities(logger, deps.capabilityStore);
  const fitter = new ContextFitter(new ContextWindows(config, logger));
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

  const schemaJson = new WeakMap<z.ZodType, Record<string, unknown>>();
  function schemaJsonOf(schema: z.ZodType): Record<string, unknown> {
    let json = schemaJson.get(schema);
    if (json === undefined) {
      json = z.toJSONSchema(schema) as Record<string, unknown>;
      schemaJson.set(schema, json);
    }
    return json;
  }
  function responseCacheKey(chain: ModelRef[], call: LlmTextCall, schema?: z.ZodType): string {
    const json = schema ? schemaJsonOf(schema) : undefined;
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

  const fromCache = (hit: CachedLlmResponse, started: number): LlmTextResult & { rung?: OutputRung } => ({
    ...(hit.rung && { rung: hit.rung as OutputRung }),
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

  const capabilityKey = (setup: Setup, ref: ModelRef) =>
    capabilities.key(ref, setup.resolved.credentials[ref.provider]?.baseURL);

  /**
   * One structured-output attempt at the model's remembered rung. A rung the server refuses, or
   * whose answer is still invalid after the repair round, is replaced by the next one down (and
   * remembered), and the chain asks again at once.
   */
  async function structuredAttempt<T>(
    setup: Setup,
    attempt: Attempt,
    args: { model: LanguageModel; prompt: PromptArgs } & Record<string, unknown>,
    schema: z.ZodType<T>,
    name: string,
  ) {
    const capKey = capabilityKey(setup, attempt.model);
    const rung = await capabilities.rung(capKey);
    const { model, prompt, ...settings } = args;
    const stepDown = (reason: string, usage: LlmUsage): never => {
      const to = lowerRung(rung);
      if (!to) throw new InvalidOutputError(reason, '', usage);
      capabilities.remember(capKey, to);
      logger.warn(
        { model: attempt.model.id, from: rung, to, reason },
        'structured output: stepping down a rung',
      );
      throw new RungUnsupportedError(rung, to, reason, usage);
    };
    try {
      const answer = await requestAtRung(rung, {
        model,
        prompt,
        settings,
        schema,
        schemaJson: schemaJsonOf(schema),
        name,
      });
      return { value: { text: answer.text, object: answer.object, rung }, usage: answer.usage };
    } catch (err) {
      if (NoOutputGeneratedError.isInstance(err))
        throw new InvalidOutputError(err.message, '', toUsage(undefined));
      if (refusesRung(err)) return stepDown(err instanceof Error ? err.message : String(err), zeroUsage);
      // The repair round was this rung's second chance.
      if (err instanceof InvalidOutputError && attempt.repair && lowerRung(rung))
        return stepDown(err.message, err.usage);
      throw err;
    }
  }

  async function generate<T>(call: LlmTextCall, schema?: z.ZodType<T>, schemaName?: string) {
    const started = performance.now();
    const { setup, chain, ctx, key } = await prepare(call, schema);
    const hit = await cachedResponse(ctx, call, key);
    if (hit) return { ...fromCache(hit, started), object: hit.object as T };
    if (call.workspaceId) await recorder.checkBudget(call.workspaceId);

    const fitState = newFitState();
    const res = await runChain<{ text: string; object: T; rung: OutputRung | undefined }>(
      chain,
      chainEnv(setup, ctx),
      { signal: call.signal, estimatedTokens: estimateTokens(call), label: `the ${call.role} role` },
      async (attempt) => {
        const model = factory.language(setup.scope, attempt.model, setup.resolved.credentials);
        const where = { credentials: setup.resolved.credentials, scope: setup.scope };
        const reserve = schema ? countTokens(JSON.stringify(schemaJsonOf(schema))) : 0;
        const fitted = await fitter.fit(call, attempt.model, where, fitState, reserve);
        const args = {
          model,
          prompt: promptArgs(fitted, attempt.repair),
          ...(fitted.temperature !== undefined && { temperature: fitted.temperature }),
          ...(fitted.maxOutputTokens !== undefined && { maxOutputTokens: fitted.maxOutputTokens }),
          // Our retries are the only ones: the SDK's would multiply them and ignore the chain.
          maxRetries: 0,
          abortSignal: attempt.signal,
        };
        try {
          if (!schema) {
            const { prompt, ...settings } = args;
            const r = await generateText({ ...settings, ...prompt });
            return {
              value: { text: stripStrayReasoning(r.text), object: undefined as T, rung: undefined },
              usage: usageMissing(r.totalUsage)
                ? estimatedUsage(prompt, r.text, r.reasoningText ?? '')
                : toUsage(r.totalUsage),
            };
          }
          return await structuredAttempt(setup, attempt, args, schema, schemaName ?? 'answer');
        } catch (err) {
          if (isContextOverflow(err)) fitter.overflowed(err, call, attempt.model, setup.scope, fitState);
          throw err;
        }
      },
    );
    const usage = res.usage as LlmUsage;
    const rung = res.value.rung;
    if (rung) {
      observeStructuredOutput(res.model, rung);
      logger.info(
        { model: res.model.id, rung, role: call.role, purpose: call.purpose },
        'structured output answered',
      );
    }
    storeResponse(key, {
      text: res.value.text,
      ...(schema && { object: res.value.object }),
      ...(rung && { rung }),
      usage,
      provider: res.model.provider,
      model: res.model.model,
    });
    return {
      text: res.value.text,
      object: res.value.object,
      ...(rung && { rung }),
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
        fitter,
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

    async contextTokens(role, workspaceId) {
      const setup = await setupFor(workspaceId);
      const sizes = await Promise.all(
        setup.resolved.chains[role].map((ref) => fitter.sizeOf(ref, setup.resolved.credentials, setup.scope)),
      );
      return sizes.length > 0 ? Math.min(...sizes) : 8192;
    },

    invalidateWorkspace(workspaceId) {
      const known = workspaces.get(workspaceId);
      workspaces.delete(workspaceId);
      if (known && known.scope !== 'env') factory.forget(known.scope);
      recorder.invalidate?.(workspaceId);
    },

    async flush() {
      await Promise.all(pendingCacheWrites);
      await capabilities.flush();
      await recorder.flush();
    },
  };
}
