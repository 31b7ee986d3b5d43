// What every gateway call shares: its dependencies, reliability settings, breakers, provider
// clients, structured-output rungs, context fitting, setups and response cache, built once per
// gateway; and the first step of a text call, `prepare`.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Config } from '../config.ts';
import type { BilledAttempts } from './billed-attempts.ts';
import type { ChainEnv, Reliability } from './chain-types.ts';
import { CircuitBreakers } from './circuit-breaker.ts';
import { ContextWindows } from './context-window.ts';
import { ContextFitter } from './fit-context.ts';
import { type GatewayResponseCache, gatewayResponseCache } from './gateway-response-cache.ts';
import { type GatewaySetups, gatewaySetups, type Setup } from './gateway-setups.ts';
import { OutputCapabilities, type RungStore } from './output-capabilities.ts';
import type { EmbeddingCache, LlmLimiter, ResponseCache } from './ports.ts';
import { type PromptArgs, promptArgs } from './prompt.ts';
import { ModelFactory } from './providers.ts';
import { type CallContext, type LlmRecorder, unrecorded } from './recorder.ts';
import type { WorkspaceLlmSettings } from './resolve-models.ts';
import { cacheOwner, responseCacheKey } from './response-cache-key.ts';
import type { LlmEmbedOptions, LlmRole, LlmTextCall, ModelRef } from './types.ts';

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

export interface PreparedCall {
  setup: Setup;
  chain: ModelRef[];
  ctx: CallContext;
  /** The call's prompt as the SDK takes it, built once; attempts whose prompt is unchanged reuse it. */
  prompt: PromptArgs;
  /** The response-cache key; undefined when the call is not cached. */
  key: string | undefined;
}

export interface GatewayCore {
  deps: LlmGatewayDeps;
  logger: Logger;
  recorder: LlmRecorder;
  factory: ModelFactory;
  capabilities: OutputCapabilities;
  fitter: ContextFitter;
  setups: GatewaySetups;
  responses: GatewayResponseCache;
  /** `billed`: collects the call's attempts, for its result's `billed`. */
  chainEnv(setup: Setup, ctx: CallContext, billed?: BilledAttempts): ChainEnv;
  prepare(call: LlmTextCall, schema?: z.ZodType): Promise<PreparedCall>;
}

export const reliabilityOf = (config: Config, overrides?: Partial<Reliability>): Reliability => ({
  timeoutMs: config.LLM_TIMEOUT_SECONDS * 1000,
  maxRetries: config.LLM_MAX_RETRIES,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
  breakerThreshold: 5,
  breakerCooldownMs: 30_000,
  ...overrides,
});

export function contextOf(role: LlmRole, call: LlmTextCall | LlmEmbedOptions): CallContext {
  // Assigned rather than spread in: a temporary object per optional field, on every call.
  const ctx: CallContext = { role, purpose: call.purpose ?? { kind: 'embedding' } };
  if (call.workspaceId) ctx.workspaceId = call.workspaceId;
  if (call.userId) ctx.userId = call.userId;
  return ctx;
}

export function createGatewayCore(deps: LlmGatewayDeps): GatewayCore {
  const { config, logger } = deps;
  const recorder = deps.recorder ?? unrecorded;
  const reliability = reliabilityOf(config, deps.reliability);
  const breakers = new CircuitBreakers({
    threshold: reliability.breakerThreshold,
    cooldownMs: reliability.breakerCooldownMs,
  });
  // The SDK prints provider warnings (e.g. an unknown model's limits) to the console; route them to
  // our logger instead. Process-wide by the SDK's design, so the latest gateway's logger wins.
  globalThis.AI_SDK_LOG_WARNINGS = ({ warnings, provider, model }) =>
    logger.debug({ provider, model, warnings }, 'AI SDK warnings');
  const factory = new ModelFactory();
  const setups = gatewaySetups(config, deps.workspaceSettings, (scope) => factory.forget(scope));

  return {
    deps,
    logger,
    recorder,
    factory,
    capabilities: new OutputCapabilities(logger, deps.capabilityStore),
    fitter: new ContextFitter(new ContextWindows(config, logger)),
    setups,
    responses: gatewayResponseCache({
      cache: deps.responseCache,
      ttlSeconds: deps.cacheTtlSeconds,
      recorder,
      logger,
    }),
    chainEnv: (setup, ctx, billed) => ({
      breakers,
      ...(deps.limiter && { limiter: deps.limiter }),
      reliability,
      scope: setup.scope,
      turn: ctx.workspaceId ?? '',
      hooks: {
        onAttempt: (report) => {
          recorder.attempt(ctx, report, setup.prices);
          billed?.add(report);
        },
        onFallback: (from, to, reason) => {
          logger.warn({ from: from.id, to: to?.id, reason, role: ctx.role }, 'LLM fallback');
          recorder.fallback(ctx, from, to, reason);
        },
      },
    }),
    async prepare(call, schema) {
      const prompt = promptArgs(call); // also rejects a malformed call before anything is spent on it
      const setup = await setups.setupFor(call.workspaceId);
      const chain = setup.resolved.chains[call.role];
      const ctx = contextOf(call.role, call);
      const key =
        call.cache === false || !deps.responseCache
          ? undefined
          : responseCacheKey(cacheOwner(setup.scope, call.workspaceId), chain, call, schema);
      return { setup, chain, ctx, prompt, key };
    },
  };
}
