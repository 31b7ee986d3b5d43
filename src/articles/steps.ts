// Durable steps: each step's output is stored when it finishes, so a run that starts again (a
// crashed worker, a retried job) returns stored outputs instead of calling the model again. Every
// model call made inside a step is metered into the step's row as it completes, so spend of an
// attempt that later dies is still on record.
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { AppError, errorMessage } from '../errors.ts';
import type {
  BilledSpend,
  FailedSpend,
  LlmGateway,
  LlmObjectCall,
  LlmObjectResult,
  LlmStream,
  LlmTextCall,
  LlmTextResult,
  OutputRung,
} from '../llm/types.ts';
import { sleep } from '../sleep.ts';
import type { ArticleEventData, ArticleEventMessage, ArticleEventType } from './event-map.ts';
import type { ArticleEventBus } from './events.ts';
import { stepDuration } from './metrics.ts';
import { isFinished } from './statuses.ts';
import { stepKind } from './step-outputs.ts';
import * as steps from './step-store.ts';

export interface RunContext {
  database: Database;
  llm: LlmGateway;
  events: ArticleEventBus;
  logger: Logger;
  article: { id: string; workspaceId: string; userId?: string };
  signal: AbortSignal;
  /**
   * Spend of the whole article so far, for the running-cost events; `unpricedModels`: models whose
   * calls had no price (not in `costUsd`).
   */
  totals: {
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    estimated?: boolean;
    unpricedModels?: string[];
  };
  /** Attempts per step before the run fails (default 3). */
  attempts?: number;
  /** Seconds before the first retry of a failed step; doubled each time (default 1). */
  retryDelaySeconds?: number;
  /** The article's lease holder running this: a step's result is kept only while it still holds it. */
  leaseOwner?: string;
}

type Context = 'purpose' | 'workspaceId' | 'userId' | 'signal';
export type StepTextCall = Omit<LlmTextCall, Context>;
export type StepObjectCall<T> = Omit<LlmObjectCall<T>, Context>;

/** The gateway as a step sees it: calls carry the article, the step and the run's abort signal. */
export interface StepLlm {
  generateText(call: StepTextCall): Promise<LlmTextResult>;
  streamText(call: StepTextCall): LlmStream;
  generateObject<T>(call: StepObjectCall<T>): Promise<LlmObjectResult<T>>;
}

/** What a step's work records besides its model calls. */
export interface StepAnnouncer {
  /**
   * Events stored with the step's completion, before its `step.finished`: an attempt that fails (and
   * is retried) or a run that dies before the completion leaves none of them behind.
   */
  announce<T extends ArticleEventType>(type: T, data: ReadonlyArray<ArticleEventData[T]>): void;
}

/**
 * Another run of the article finished this step, or took the article over (this run's lease expired
 * while it stalled), or the article was cancelled or deleted by another process: this run must stop
 * without writing anything, so no step is finished twice and no event follows the final `done`.
 */
export class RunSupersededError extends Error {
  constructor(step: string) {
    super(`Step ${step} was finished by another run of this article`);
  }
}

export class StepFailedError extends Error {
  readonly step: string;
  constructor(step: string, cause: unknown) {
    super(`Step ${step} failed: ${errorMessage(cause)}`, { cause });
    this.step = step;
  }
}

/**
 * A step that reads another step's output while that one still runs (the fact check reads each
 * section as it is written) stops with this when that step fails or stops: it is left pending, not
 * failed and not retried, and the run ends with the other step's error.
 */
export class StepInputFailedError extends Error {
  constructor(step: string, cause: unknown) {
    super(`Step ${step} stopped: a step it reads did not finish (${errorMessage(cause)})`, { cause });
  }
}

/** The answer's own spend: its model unpriced when it has no cost for tokens it used. */
function answerSpend(result: LlmTextResult): BilledSpend {
  const { inputTokens, outputTokens } = result.usage;
  if (result.costUsd !== null || inputTokens + outputTokens === 0)
    return { inputTokens, outputTokens, costUsd: result.costUsd };
  return { inputTokens, outputTokens, costUsd: null, unpricedModels: [`${result.provider}:${result.model}`] };
}

function meter(ctx: RunContext, step: string, result: LlmTextResult & { rung?: OutputRung }) {
  // What the call was billed in all, its failed attempts' answers included, not the answer's alone.
  const spend = result.billed ?? answerSpend(result);
  return meterSpend(ctx, step, { ...spend, estimated: result.usage.estimated === true }, result.rung ?? null);
}

const noModels: readonly string[] = [];

async function meterSpend(
  ctx: RunContext,
  step: string,
  spend: FailedSpend,
  rung: OutputRung | null,
): Promise<void> {
  const cost = spend.costUsd ?? 0;
  const unpriced = spend.unpricedModels ?? noModels;
  ctx.totals.inputTokens += spend.inputTokens;
  ctx.totals.outputTokens += spend.outputTokens;
  ctx.totals.costUsd += cost;
  if (spend.estimated) ctx.totals.estimated = true;
  for (const model of unpriced) {
    if (!ctx.totals.unpricedModels) ctx.totals.unpricedModels = [model];
    else if (!ctx.totals.unpricedModels.includes(model)) ctx.totals.unpricedModels.push(model);
  }
  const unknown = ctx.totals.unpricedModels?.length ? ctx.totals.unpricedModels : undefined;
  const running = {
    step,
    inputTokens: ctx.totals.inputTokens,
    outputTokens: ctx.totals.outputTokens,
    costUsd: Math.round(ctx.totals.costUsd * 1e8) / 1e8,
    ...(ctx.totals.estimated && { estimated: true }),
    // Said only when some cost is unknown, as `estimated` is: `costUsd` is then the priced calls'.
    ...(unknown && { costKnown: false, unpricedModels: [...unknown] }),
  };
  await steps.meterSpend(
    ctx.database,
    { articleId: ctx.article.id, name: step, leaseOwner: ctx.leaseOwner },
    {
      inputTokens: spend.inputTokens,
      outputTokens: spend.outputTokens,
      costUsd: cost,
      estimated: spend.estimated,
      rung,
      unpricedModels: unpriced,
    },
    running,
  );
  await ctx.events.notify(ctx.article.id);
}

/**
 * The spend of a step's model calls, written while the step goes on: each call's statement starts
 * as it ends, and the step waits for them all (with the ledger) only before it is completed, so on
 * PostgreSQL the spend and the ledger are written side by side rather than one after the other.
 */
class StepMetering {
  private readonly writes: Promise<void>[] = [];

  add(write: Promise<void>) {
    // Handled here so a failure is not reported as unhandled before settle() rethrows it.
    write.catch(() => {});
    this.writes.push(write);
  }

  /** Waits for every write so far; rethrows the first failure. */
  async settle() {
    const results = await Promise.allSettled(this.writes.splice(0));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

function stepLlm(ctx: RunContext, step: string, metering: StepMetering): StepLlm {
  const context = {
    purpose: { kind: 'article' as const, id: ctx.article.id, step },
    workspaceId: ctx.article.workspaceId,
    ...(ctx.article.userId ? { userId: ctx.article.userId } : {}),
    signal: ctx.signal,
    // A call that failed or was cancelled (a worker stopping mid-section) was billed all the same:
    // the step's spend, and so the article's usage, matches the ledger.
    onFailedSpend: (spend: FailedSpend) => metering.add(meterSpend(ctx, step, spend, null)),
  };
  const metered = <R extends LlmTextResult>(result: R) => {
    metering.add(meter(ctx, step, result));
    return result;
  };
  return {
    async generateText(call) {
      return metered(await ctx.llm.generateText({ ...call, ...context }));
    },
    streamText(call) {
      const stream = ctx.llm.streamText({ ...call, ...context });
      // `result` is read lazily: touching the gateway's result before iterating would consume the stream.
      let result: Promise<LlmTextResult> | undefined;
      return {
        [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
        get result() {
          result ??= stream.result.then(metered);
          return result;
        },
      };
    },
    async generateObject(call) {
      return metered(await ctx.llm.generateObject({ ...call, ...context }));
    },
  };
}

// Failures a retry cannot fix: spending limits, bad requests, a cancelled run.
function retryable(err: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return false;
  if (err instanceof AppError) return err.code === 'unavailable' || err.code === 'rate_limited';
  return true;
}

interface PendingStart {
  step: steps.StepToStart;
  started: PromiseWithResolvers<steps.StartedStep | undefined>;
}

const startBatches = new WeakMap<RunContext, PendingStart[]>();

/**
 * Starts the step. Steps of a run started in the same turn of the event loop (the sections, the
 * intro, conclusion and FAQ, the citation check and the SEO pack) share one statement: it stands
 * before their model calls, and on PGlite each statement runs on this thread, so one instead of six
 * is what sends the sections' requests tens of milliseconds sooner.
 */
function startTogether(ctx: RunContext, step: steps.StepToStart): Promise<steps.StartedStep | undefined> {
  let batch = startBatches.get(ctx);
  // One statement cannot start the same step twice: a repeated name goes alone.
  if (batch?.some((p) => p.step.name === step.name))
    return steps.startStep(ctx.database, { articleId: ctx.article.id, leaseOwner: ctx.leaseOwner, ...step });
  if (!batch) {
    const pending: PendingStart[] = [];
    batch = pending;
    startBatches.set(ctx, pending);
    queueMicrotask(() => {
      startBatches.delete(ctx);
      steps
        .startSteps(
          ctx.database,
          ctx.article.id,
          ctx.leaseOwner,
          pending.map((p) => p.step),
        )
        .then(
          (rows) => {
            for (const [i, p] of pending.entries()) p.started.resolve(rows[i]);
          },
          (err) => {
            for (const p of pending) p.started.reject(err);
          },
        );
    });
  }
  const started = Promise.withResolvers<steps.StartedStep | undefined>();
  batch.push({ step, started });
  return started.promise;
}

/**
 * Runs `work` as the durable step `name`, or returns its stored output when it already finished.
 * `input` is stored with the step: what it was asked, for whoever reads the step later — its
 * parameters, small: never a copy of the other steps' outputs it works on (a section's text).
 * Failures retry with exponential backoff; after the last attempt the step is marked failed and
 * a StepFailedError is thrown.
 */
export async function runStep<T>(
  ctx: RunContext,
  name: string,
  position: number,
  input: unknown,
  work: (llm: StepLlm, step: StepAnnouncer) => Promise<T>,
): Promise<T> {
  if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('run aborted');
  const startedAt = new Date();
  const ref = { articleId: ctx.article.id, name };
  const stored = await startTogether(ctx, { name, position, input, startedAt });
  // Cancelled or taken over, and this process not told yet (the heartbeat would in up to ~2 s).
  if (stored && !stored.held) throw ctx.signal.reason ?? new RunSupersededError(name);
  if (isFinished(stored?.status)) return stored!.output as T;
  await ctx.events.notify(ctx.article.id);
  const attempts = ctx.attempts ?? 3;
  const delay = (ctx.retryDelaySeconds ?? 1) * 1000;
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) await steps.countAttempt(ctx.database, ref);
    const metering = new StepMetering();
    const announced: ArticleEventMessage[] = [];
    const announcer: StepAnnouncer = {
      announce(type, data) {
        for (const d of data) announced.push({ type, data: d } as ArticleEventMessage);
      },
    };
    try {
      const output = await work(stepLlm(ctx, name, metering), announcer);
      // A finished step's model calls are in the ledger, and their spend on the step, before the
      // step is: a crash after this point must not leave a completed step whose (billed) calls were
      // never recorded, and its step.finished event carries that spend.
      await Promise.all([metering.settle(), ctx.llm.flush()]);
      const finishedAt = new Date();
      const durationMs = finishedAt.getTime() - startedAt.getTime();
      const kept = await steps.completeStep(ctx.database, {
        ...ref,
        output,
        finishedAt,
        durationMs,
        leaseOwner: ctx.leaseOwner,
        announced,
      });
      if (!kept) throw new RunSupersededError(name);
      await ctx.events.notify(ctx.article.id);
      // The step's kind, not its name: bounded metric labels.
      stepDuration.observe({ step: stepKind(name), status: 'completed' }, durationMs / 1000);
      return output;
    } catch (err) {
      // The spend of the attempt's calls is recorded whatever became of the attempt.
      await metering
        .settle()
        .catch((e) =>
          ctx.logger.warn({ err: e, step: name, article: ctx.article.id }, 'step spend not recorded'),
        );
      if (err instanceof RunSupersededError) throw err;
      if (err instanceof StepInputFailedError) {
        // A superseded run writes nothing; otherwise the step waits, pending, for a run that has its input.
        if (err.cause instanceof RunSupersededError) throw err.cause;
        await steps.stopStep(ctx.database, { ...ref, status: 'pending', error: null });
        throw err;
      }
      if (attempt < attempts && retryable(err, ctx.signal)) {
        ctx.logger.warn(
          { err, step: name, attempt, article: ctx.article.id },
          'article step failed; retrying',
        );
        await sleep(delay * 2 ** (attempt - 1), ctx.signal);
        if (!ctx.signal.aborted) continue;
      }
      const message = errorMessage(err);
      await steps.stopStep(ctx.database, {
        ...ref,
        status: ctx.signal.aborted ? 'pending' : 'failed',
        error: ctx.signal.aborted ? null : message,
      });
      if (ctx.signal.aborted) throw ctx.signal.reason ?? err;
      stepDuration.observe(
        { step: stepKind(name), status: 'failed' },
        (Date.now() - startedAt.getTime()) / 1000,
      );
      await ctx.events.publish(ctx.article.id, 'step.finished', {
        step: name,
        status: 'failed',
        error: message,
        durationMs: Date.now() - startedAt.getTime(),
      });
      throw new StepFailedError(name, err);
    }
  }
}

/** Records a step that does not apply to this article (e.g. fact check of an ungrounded one). */
export async function skipStep(ctx: RunContext, name: string, position: number, output: unknown = null) {
  const skipped = await steps.markSkipped(ctx.database, {
    articleId: ctx.article.id,
    name,
    position,
    output,
  });
  if (skipped) await ctx.events.notify(ctx.article.id);
}
