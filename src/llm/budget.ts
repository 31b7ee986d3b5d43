// Monthly LLM budget per workspace (LLM_MONTHLY_BUDGET_USD or the workspace's own): a warning once
// a month at 80 %, a hard stop at 100 %. Spend is the workspace's total for the current UTC month,
// kept beside the ledger (llm_spend_monthly, one row).
//
// The guard runs before every LLM call, so it must not read the database each time. It keeps each
// workspace's budget and spend, adds the cost of every call this process records at once, and
// re-reads the database when the entry is older than `ttlMs` (default 2 s) — once the thread idles
// after the call that finds it so (at most `refreshWaitMs` later), which is answered from memory
// rather than held behind two statements. Calls made by other processes are seen within `ttlMs`,
// `refreshWaitMs` and one re-read:
// across replicas a budget can be overshot by what they spend in that window, never more. A re-read
// never lowers what this process already counted for the month: the total may have been read before
// the ledger rows of calls counted meanwhile were written (spend only grows within a month).
// Calls still running count too: each allowed call holds what it may cost (its prompt and its output
// limit at its first model's price) until it ends, and a call is refused once what was spent and
// what running calls hold reach the budget — sections drafted in parallel, or two articles started
// together, all passed a check that only knew finished calls (8 parallel calls spent 4× a budget).
// With Redis the holds are shared by every process (budget-holds.ts): N worker processes each held
// only their own, and spent N× the budget at once. Without Redis they are this process's.
// A budget counts only what has a price: a call that may reach a model with none (not in the
// table, its family, LLM_PRICES_JSON or the workspace's prices) is refused while there is a budget —
// it went through, recorded at an unknown cost, and no budget ever stopped it.
import { EventEmitter } from 'node:events';
import type { Redis } from '../cache/redis.ts';
import type { Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { whenIdle } from '../when-idle.ts';
import { memoryHolds, redisHolds } from './budget-holds.ts';
import { recordBudgetWarningOnce } from './budget-store.ts';
import { monthSpend } from './ledger-store.ts';
import { forgetBudget, observeBudget, observeBudgetRejection } from './metrics.ts';
import { monthlyBudgetOf } from './settings.ts';
import { usdText } from './usd-text.ts';

export interface BudgetWarning {
  workspaceId: string;
  spentUsd: number;
  budgetUsd: number;
}

/** Emits 'warning' (BudgetWarning) the first time a workspace passes 80 % in a month. */
export const budgetEvents = new EventEmitter();

function budgetExceeded(costUsd: number, heldUsd: number, budgetUsd: number): AppError {
  const running = costUsd < budgetUsd ? ', and calls running now may spend the rest' : '';
  return new AppError(
    'budget_exceeded',
    `This workspace has spent ${usdText(costUsd)} of its ${usdText(budgetUsd)} monthly LLM budget${running}`,
    { spentUsd: costUsd, heldUsd, budgetUsd },
  );
}

function unpricedRefused(unpriced: readonly string[], spentUsd: number, budgetUsd: number): AppError {
  const one = unpriced.length === 1;
  return new AppError(
    'budget_exceeded',
    `No price is known for ${unpriced.join(', ')}, so the monthly budget cannot be enforced: set ${one ? 'its price' : 'their prices'} in Settings › Language models (0 for a free local model) or remove the budget`,
    { unpricedModels: [...unpriced], spentUsd, budgetUsd },
  );
}

/** The 80 % warning, recorded (and emitted) once a month across processes. */
async function warnOnce(database: Database, workspaceId: string, costUsd: number, budgetUsd: number) {
  const from = new Date(monthStartOf(Date.now()));
  if (!(await recordBudgetWarningOnce(database, workspaceId, from, { spentUsd: costUsd, budgetUsd }))) return;
  budgetEvents.emit('warning', { workspaceId, spentUsd: costUsd, budgetUsd } satisfies BudgetWarning);
}

// The UTC month `now` falls in, kept between calls: a Date and its calendar fields per check were
// most of the guard's own cost on a call.
let month = { start: 0, end: 0 };

/** The start (ms) of the UTC month of `now` (ms). */
function monthStartOf(now: number): number {
  if (now < month.start || now >= month.end) {
    const d = new Date(now);
    month = {
      start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
      end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
    };
  }
  return month.start;
}

/** The longest a stale entry's re-read waits for the thread to idle. */
const refreshWaitMs = 250;

export interface BudgetGuard {
  /**
   * Throws AppError('budget_exceeded') when the workspace has spent its monthly budget, counting
   * what running calls hold, or has a budget and the call may reach models without a price
   * (`unpriced`, their ids); else resolves to what the call now holds until `release`: `holdUsd`,
   * or 0 when the workspace has no budget.
   */
  check(workspaceId: string, holdUsd?: number, unpriced?: readonly string[]): Promise<number>;
  /** The call that `check` let hold `holdUsd` ended (its cost, if any, was counted by `spent`). */
  release(workspaceId: string, holdUsd: number): void;
  /** A call of this process cost `usd`: counted at once, before the ledger row is written. */
  spent(workspaceId: string, usd: number): void;
  /** The workspace's budget setting changed. */
  invalidate(workspaceId: string): void;
}

interface Known {
  budgetUsd: number | undefined;
  spentUsd: number;
  monthStart: number;
  loadedAt: number;
  /** The 80 % warning is known to be recorded for this month (saves its look-up per call). */
  warned: boolean;
  /** The budget setting changed: read again before the next call. */
  invalidated?: boolean;
}

export function createBudgetGuard(
  database: Database,
  opts: {
    defaultBudgetUsd?: number;
    ttlMs?: number;
    /** Holds running calls in Redis, shared by every process. */
    redis?: Redis;
    /** How long a crashed process's holds outlive it in Redis (budget-holds.ts). */
    holdLeaseMs?: number;
    holdKeyPrefix?: string;
  } = {},
): BudgetGuard {
  const ttlMs = opts.ttlMs ?? 2000;
  const known = new Map<string, Known>();
  const loading = new Map<string, Promise<Known>>();
  /** What the running calls of each workspace may still cost (kept apart: a re-read replaces entries). */
  const held = opts.redis
    ? redisHolds(opts.redis, {
        ...(opts.holdLeaseMs !== undefined && { leaseMs: opts.holdLeaseMs }),
        ...(opts.holdKeyPrefix !== undefined && { keyPrefix: opts.holdKeyPrefix }),
      })
    : memoryHolds();

  async function load(workspaceId: string): Promise<Known> {
    const [budgetUsd, spend] = await Promise.all([
      monthlyBudgetOf(database, workspaceId, opts.defaultBudgetUsd),
      monthSpend(database, workspaceId),
    ]);
    const monthStart = spend.from.getTime();
    const counted = known.get(workspaceId);
    const entry = {
      budgetUsd,
      spentUsd:
        counted?.monthStart === monthStart ? Math.max(spend.costUsd, counted.spentUsd) : spend.costUsd,
      monthStart,
      loadedAt: Date.now(),
      warned: false,
    };
    known.set(workspaceId, entry);
    return entry;
  }

  function reload(workspaceId: string): Promise<Known> {
    // Concurrent calls of one workspace share one reload.
    let pending = loading.get(workspaceId);
    if (!pending) {
      pending = load(workspaceId).finally(() => loading.delete(workspaceId));
      loading.set(workspaceId, pending);
    }
    return pending;
  }

  const refreshing = new Set<string>();
  // The re-read of a stale entry waits for the thread to idle: found stale by the first of a burst of
  // calls (the sections' requests, sent together), its two statements — on this thread with PGlite —
  // would otherwise hold back the rest of the burst. A failed re-read leaves the entry as it is, to
  // be re-read after the next call.
  function refreshWhenIdle(workspaceId: string) {
    if (refreshing.has(workspaceId)) return;
    refreshing.add(workspaceId);
    whenIdle(
      () => {
        reload(workspaceId)
          .catch(() => {})
          .finally(() => refreshing.delete(workspaceId));
      },
      { quietMs: 3, maxWaitMs: refreshWaitMs },
    );
  }

  async function current(workspaceId: string): Promise<Known> {
    const entry = known.get(workspaceId);
    const now = Date.now();
    const monthStart = monthStartOf(now);
    // Unknown, invalidated, or of last month: read before the call is allowed.
    if (!entry || entry.invalidated || entry.monthStart !== monthStart) return reload(workspaceId);
    if (now - entry.loadedAt >= ttlMs) refreshWhenIdle(workspaceId);
    return entry;
  }

  const release = (workspaceId: string, holdUsd: number) => held.release(workspaceId, holdUsd);

  return {
    async check(workspaceId, holdUsd = 0, unpriced) {
      const entry = await current(workspaceId);
      const budgetUsd = entry.budgetUsd;
      if (budgetUsd === undefined) {
        forgetBudget(workspaceId);
        return 0;
      }
      observeBudget(workspaceId, entry.spentUsd, budgetUsd);
      if (unpriced !== undefined && unpriced.length > 0) {
        observeBudgetRejection();
        throw unpricedRefused(unpriced, entry.spentUsd, budgetUsd);
      }
      // Judged and held in one step (synchronous in memory, one script in Redis): calls checked
      // together each see the others' holds.
      const holding = Math.max(holdUsd, 0);
      const { allowed, heldUsd } = await held.take(workspaceId, holding, entry.spentUsd, budgetUsd);
      if (!allowed) {
        observeBudgetRejection();
        throw budgetExceeded(entry.spentUsd, heldUsd, budgetUsd);
      }
      // Below the warning line (most calls; budgets are positive) there is nothing to record.
      if (!entry.warned && entry.spentUsd >= 0.8 * budgetUsd) {
        try {
          await warnOnce(database, workspaceId, entry.spentUsd, budgetUsd);
        } catch (err) {
          release(workspaceId, holding);
          throw err;
        }
        entry.warned = true;
      }
      return holding;
    },
    release,
    spent(workspaceId, usd) {
      const entry = known.get(workspaceId);
      if (entry && usd > 0) entry.spentUsd += usd;
    },
    invalidate(workspaceId) {
      // Kept, not deleted: its count of this process's calls outlives the setting it was read with.
      const entry = known.get(workspaceId);
      if (entry) entry.invalidated = true;
    },
  };
}
