// Builds gateways against the fake servers, with a recorder that keeps what it was told.
import pino from 'pino';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLlmGateway, type LlmGatewayDeps } from '../../src/llm/gateway.ts';
import type { CallContext, LlmRecorder } from '../../src/llm/recorder.ts';
import type { AttemptReport } from '../../src/llm/run-chain.ts';
import type { LlmGateway, LlmTextResult } from '../../src/llm/types.ts';
import { startAnthropicServer } from '../fakes/anthropic-server.ts';
import { startOpenAiServer } from '../fakes/openai-server.ts';
import type { FakeServer } from '../fakes/scripted-server.ts';
import { setupOwner } from '../support/accounts.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

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
    checkBudget: async () => 0,
    releaseBudget: () => {},
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

export interface FakeLlmServers {
  compat: FakeServer;
  anthropic: FakeServer;
}

/**
 * Starts a fake OpenAI-compatible and a fake Anthropic server for the calling test file and closes
 * them after it; with `resetRequests`, each test starts with empty request logs.
 */
export function useFakeLlmServers(opts: { resetRequests?: boolean } = {}): FakeLlmServers {
  const servers = {} as FakeLlmServers;
  beforeAll(async () => {
    servers.compat = await startOpenAiServer();
    servers.anthropic = await startAnthropicServer();
  });
  afterAll(async () => {
    await servers.compat.close();
    await servers.anthropic.close();
  });
  if (opts.resetRequests) {
    beforeEach(() => {
      servers.compat.requests.length = 0;
      servers.anthropic.requests.length = 0;
    });
  }
  return servers;
}

export interface WorkspaceWithFakeModel {
  fake: FakeServer;
  t: TestApp;
  /** The owner's session cookie and workspace. */
  cookie: string;
  workspaceId: string;
  /** A writer call of the workspace's, uncached. */
  write(): Promise<LlmTextResult>;
}

/**
 * For the calling test file: a fake OpenAI-compatible server, and an app (PGlite) whose owner's
 * workspace may reach it (on loopback: the operator's LLM_ALLOW_HOSTS lets it in), with `env` too.
 */
export function useWorkspaceWithFakeModel(
  env: (fake: FakeServer) => Record<string, string> = () => ({}),
): WorkspaceWithFakeModel {
  const ctx = {
    write: () =>
      ctx.t.runtime.llm.generateText({
        role: 'writer',
        prompt: 'hi',
        workspaceId: ctx.workspaceId,
        purpose: { kind: 'other' },
        cache: false,
      }),
  } as WorkspaceWithFakeModel;
  beforeAll(async () => {
    ctx.fake = await startOpenAiServer();
    ctx.t = await createTestApp('pglite', { LLM_ALLOW_HOSTS: '127.0.0.1', ...env(ctx.fake) });
    const owner = await setupOwner(ctx.t.app);
    ctx.cookie = owner.cookie;
    ctx.workspaceId = owner.body.workspace.id;
  });
  afterAll(async () => {
    await ctx.t?.close();
    await ctx.fake?.close();
  });
  return ctx;
}
