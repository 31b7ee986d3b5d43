// The gateway's use of the response cache: a read on the call path (a broken cache is a miss,
// never an error) and writes kept off it, awaited by `flush`.
import type { Logger } from 'pino';
import type { CachedLlmResponse, ResponseCache } from './ports.ts';
import type { CallContext, LlmRecorder } from './recorder.ts';
import type { LlmTextCall, LlmTextResult, ModelRef, OutputRung } from './types.ts';

export interface GatewayResponseCache {
  /** The cached answer for `key`, if any and (when given) `usable` accepts it; counted as a hit or a miss. */
  read(
    ctx: CallContext,
    call: LlmTextCall,
    key: string | undefined,
    usable?: (hit: CachedLlmResponse) => CachedLlmResponse | null,
  ): Promise<CachedLlmResponse | null>;
  write(key: string | undefined, value: CachedLlmResponse): void;
  flush(): Promise<void>;
}

export function gatewayResponseCache(deps: {
  cache: ResponseCache | undefined;
  ttlSeconds: number | undefined;
  recorder: LlmRecorder;
  logger: Logger;
}): GatewayResponseCache {
  const { cache, recorder, logger } = deps;
  const pendingWrites = new Set<Promise<void>>();
  return {
    async read(ctx, call, key, usable = (hit) => hit) {
      if (!key || !cache) return null;
      const started = performance.now();
      try {
        const found = await cache.get(key);
        const hit = found && usable(found);
        if (hit) recorder.cacheHit(ctx, hit, performance.now() - started);
        else recorder.cacheMiss(ctx);
        return hit;
      } catch (err) {
        // The cache is an optimisation: a broken one must not stop generation.
        logger.warn({ err, purpose: call.purpose }, 'LLM response cache read failed');
        return null;
      }
    },
    write(key, value) {
      if (!key || !cache) return;
      const write: Promise<void> = cache
        .set(key, value, deps.ttlSeconds ?? 86_400)
        .catch((err) => logger.warn({ err }, 'LLM response cache write failed'))
        .finally(() => pendingWrites.delete(write));
      pendingWrites.add(write);
    },
    async flush() {
      await Promise.all(pendingWrites);
    },
  };
}

/** A cached answer as the call's result: free, no attempts. */
export const fromCache = (
  hit: CachedLlmResponse,
  started: number,
): LlmTextResult & { rung?: OutputRung } => ({
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
