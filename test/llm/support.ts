// Builds gateways against the fake servers, with a recorder that keeps what it was told.
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { createLlmGateway, type LlmGatewayDeps } from '../../src/llm/gateway.ts';
import type { CallContext, LlmRecorder } from '../../src/llm/recorder.ts';
import type { AttemptReport } from '../../src/llm/run-chain.ts';
import type { LlmGateway } from '../../src/llm/types.ts';

export interface MemoryRecorder extends LlmRecorder {
  attempts: Array<AttemptReport & { ctx: CallContext }>;
  fallbacks: Array<{ from: string; to?: string; reason: string }>;
  cacheHits: number;
}

export function memoryRecorder(): MemoryRecorder {
  const r: MemoryRecorder = {
    attempts: [],
    fallbacks: [],
    cacheHits: 0,
    cost: () => null,
    checkBudget: async () => {},
    attempt: (ctx, report) => {
      r.attempts.push({ ...report, ctx });
    },
    cacheHit: () => {
      r.cacheHits++;
    },
    cacheMiss: () => {},
    fallback: (_ctx, from, to, reason) => {
      r.fallbacks.push({ from: from.id, ...(to && { to: to.id }), reason });
    },
    flush: async () => {},
  };
  return r;
}

export function testGateway(
  env: Record<string, string>,
  deps: Partial<LlmGatewayDeps> = {},
): { gateway: LlmGateway; recorder: MemoryRecorder } {
  const recorder = memoryRecorder();
  const config = loadConfig({ ENVIRONMENT: 'test', LOG_LEVEL: 'silent', ...env });
  const gateway = createLlmGateway({
    config,
    logger: pino({ level: 'silent' }),
    recorder,
    ...deps,
    // Short backoff so retry tests are quick; Retry-After still sets the floor.
    reliability: { baseDelayMs: 20, maxDelayMs: 100, ...deps.reliability },
  });
  return { gateway, recorder };
}

export const article = { kind: 'article', id: 'a1', step: 'draft' } as const;
