// Where the gateway reports what happened (ledger rows, metrics, cost) — an interface so the
// call path stays free of storage and can run without a database (e.g. `blogsmith models check`).
import type { CachedLlmResponse } from './ports.ts';
import type { PriceTable } from './prices.ts';
import type { AttemptReport } from './run-chain.ts';
import type { LlmPurpose, LlmRole, LlmUsage, ModelRef } from './types.ts';

export interface CallContext {
  role: LlmRole;
  purpose: LlmPurpose;
  workspaceId?: string;
  userId?: string;
}

export interface LlmRecorder {
  /**
   * USD for this usage, or null when the model's price is unknown (never guessed). `own`: the
   * calling workspace's prices, which win over the recorder's.
   */
  cost(provider: string, model: string, usage: LlmUsage, own?: PriceTable): number | null;
  /**
   * Throws AppError('budget_exceeded') when the workspace has spent its monthly budget (running
   * calls' holds counted), or has a budget and the call may reach a model with no price
   * (`unpriced`, ids); else the call holds `holdUsd`, what it may cost, and this resolves to what
   * it holds (0 without a budget), to be given back to `releaseBudget` when the call ends.
   */
  checkBudget(workspaceId: string, holdUsd?: number, unpriced?: readonly string[]): Promise<number>;
  releaseBudget(workspaceId: string, heldUsd: number): void;
  /** One upstream request ended. Must not block: storage writes are queued, see flush(). */
  attempt(ctx: CallContext, report: AttemptReport, own?: PriceTable): void;
  /** Served from the response or embedding cache: no upstream request, not billed. */
  cacheHit(ctx: CallContext, hit: Pick<CachedLlmResponse, 'provider' | 'model'>, latencyMs: number): void;
  cacheMiss(ctx: CallContext): void;
  fallback(ctx: CallContext, from: ModelRef, to: ModelRef | undefined, reason: string): void;
  /** Resolves once every queued write has finished. */
  flush(): Promise<void>;
  /** The workspace's LLM settings (e.g. its budget) changed. */
  invalidate?(workspaceId: string): void;
}

/** For processes without storage: counts nothing, prices nothing, enforces no budget. */
export const unrecorded: LlmRecorder = {
  cost: () => null,
  checkBudget: async () => 0,
  releaseBudget: () => {},
  attempt: () => {},
  cacheHit: () => {},
  cacheMiss: () => {},
  fallback: () => {},
  flush: async () => {},
};
