// Streaming generation. Until the first token arrives a failing model is just another attempt
// in the chain (the caller sees nothing); once text has been delivered the stream is committed
// to that model, and a later failure surfaces as LlmStreamInterruptedError with the text so far.
import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import type { LanguageModel, LanguageModelUsage } from 'ai';
import { BilledAttempts } from './billed-attempts.ts';
import {
  AttemptTimeoutError,
  EmptyAnswerError,
  LlmStreamInterruptedError,
  streamPartError,
  UpstreamStreamError,
} from './failures.ts';
import { type ContextFitter, isContextOverflow, newFitState } from './fit-context.ts';
import type { BudgetHold } from './hold-budget.ts';
import { lineFeedsOnly } from './line-feeds.ts';
import type { CachedLlmResponse } from './ports.ts';
import type { PriceTable } from './prices.ts';
import { estimateTokens, type PromptArgs, promptArgs, toUsage } from './prompt.ts';
import { fromProviderUsage, providerPrompt, specificationModel } from './provider-call.ts';
import { splitStrayReasoning } from './reasoning.ts';
import type { CallContext } from './recorder.ts';
import type { ProviderCredentials } from './resolve-models.ts';
import { type Attempt, type AttemptResult, type ChainEnv, runChain } from './run-chain.ts';
import { estimatedUsage, usageMissing } from './token-count.ts';
import type { LlmStream, LlmTextCall, LlmTextResult, LlmUsage, ModelRef } from './types.ts';

interface StreamSetup {
  resolved: { chains: Record<LlmTextCall['role'], ModelRef[]>; credentials: ProviderCredentials };
  scope: string;
  prices: PriceTable;
}

export interface StreamHelpers<S extends StreamSetup> {
  prepare(): Promise<{ setup: S; chain: ModelRef[]; ctx: CallContext; key: string | undefined }>;
  cachedResponse(ctx: CallContext, key: string | undefined): Promise<CachedLlmResponse | null>;
  fromCache(hit: CachedLlmResponse, started: number): LlmTextResult;
  storeResponse(key: string | undefined, value: CachedLlmResponse): void;
  /** `chain`: the models the call may reach, the first one's price held. */
  holdBudget(workspaceId: string | undefined, setup: S, chain: readonly ModelRef[]): Promise<BudgetHold>;
  /** Priced with the setup's (the workspace's) prices first. */
  cost(setup: S, ref: ModelRef, usage: LlmUsage): number | null;
  chainEnv(setup: S, ctx: CallContext, billed?: BilledAttempts): ChainEnv;
  languageModel(setup: S, ref: ModelRef): LanguageModel;
  fitter: ContextFitter;
}

type Part = LanguageModelV3StreamPart;

interface Live {
  first: string;
  /** Reasoning received before the first text (counted when the server reports no usage). */
  reasoning: string;
  parts: AsyncIterator<Part>;
  attempt: Attempt;
}

type FinishPart = Extract<Part, { type: 'finish' }>;

/**
 * A finish the server never gave: every provider starts from "other" with no raw reason and sets
 * the server's own when it sends one, so this is a body that ended early (an Ollama stream cut
 * before its `done` line), not a finished answer.
 */
const unfinished = (part: FinishPart) =>
  part.finishReason.unified === 'other' &&
  part.finishReason.raw === undefined &&
  // An Ollama older than `done_reason` (or a look-alike) ends a whole answer with no reason, but
  // its last line carries the counts: only a body cut before that line has neither.
  part.usage.inputTokens.total === undefined &&
  part.usage.outputTokens.total === undefined;

function abortCause(attempt: Attempt): unknown {
  const reason = attempt.signal.reason;
  return reason instanceof AttemptTimeoutError ? reason : (reason ?? new Error('The stream was aborted'));
}

/** Providers report an aborted body read as an ordinary error; name the abort's real cause instead. */
const causeOf = (attempt: Attempt, err: unknown) => (attempt.signal.aborted ? abortCause(attempt) : err);

/**
 * Reads parts until the first text (or the end); errors here are ordinary attempt failures.
 * Reasoning before the answer goes to `onReasoning` and does not commit the stream to this model.
 */
async function firstText(
  attempt: Attempt,
  parts: AsyncIterator<Part>,
  onReasoning: (delta: string) => void,
  usageOf: (u: LanguageModelUsage, text: string, reasoning: string) => LlmUsage,
): Promise<Live> {
  let reasoning = '';
  for (;;) {
    let step: IteratorResult<Part>;
    try {
      step = await parts.next();
    } catch (err) {
      throw causeOf(attempt, err);
    }
    if (step.done) throw new UpstreamStreamError(new Error('the stream ended without a finish event'));
    const part = step.value;
    attempt.touch();
    if (part.type === 'reasoning-delta') {
      reasoning += part.delta;
      onReasoning(part.delta);
    } else if (part.type === 'text-delta') {
      const first = lineFeedsOnly(part.delta);
      if (first) {
        attempt.firstToken();
        return { first, reasoning, parts, attempt };
      }
    }
    if (part.type === 'error')
      throw attempt.signal.aborted ? abortCause(attempt) : streamPartError(part.error);
    // No text at all: billed, then asked again or of the next model (a section is never empty).
    if (part.type === 'finish') {
      if (unfinished(part)) throw new UpstreamStreamError(new Error('the stream ended without finishing'));
      throw new EmptyAnswerError(
        usageOf(fromProviderUsage(part.usage), '', reasoning),
        part.finishReason.unified,
      );
    }
  }
}

/** What one stream's steps share: how its result settles, and how usage is counted. */
interface StreamIo {
  resolveResult(r: LlmTextResult): void;
  rejectResult(e: unknown): void;
  /** The caller's reasoning callback, made safe. */
  onReasoning(delta: string): void;
  usageOf(u: LanguageModelUsage, text: string, reasoning: string): LlmUsage;
  fitState: ReturnType<typeof newFitState>;
  /** The prompt of the attempt that answered (fitted to its model's context). */
  sent: PromptArgs | undefined;
  /** What the committed stream delivered so far: what an interrupted or cancelled one is billed for. */
  received: { text: string; reasoning: string };
}

export function openStream<S extends StreamSetup>(call: LlmTextCall, h: StreamHelpers<S>): LlmStream {
  let resolveResult!: (r: LlmTextResult) => void;
  let rejectResult!: (e: unknown) => void;
  const result = new Promise<LlmTextResult>((res, rej) => {
    resolveResult = res;
    rejectResult = rej;
  });
  // Callers that only iterate see the error there; this keeps `result` from being "unhandled".
  result.catch(() => {});

  const io: StreamIo = {
    resolveResult,
    rejectResult,
    // The caller's reasoning callback must not break the stream.
    onReasoning: (delta) => {
      if (!delta || !call.onReasoning) return;
      try {
        call.onReasoning(delta);
      } catch {}
    },
    // Many local servers send no usage in streams: then the tokenizer counts what was exchanged.
    usageOf: (u, text, reasoning) =>
      usageMissing(u) ? estimatedUsage(io.sent ?? promptArgs(call), text, reasoning) : toUsage(u),
    fitState: newFitState(),
    sent: undefined,
    received: { text: '', reasoning: '' },
  };

  let gen: AsyncGenerator<string> | undefined;
  const start = () => {
    if (gen) throw new Error('An LLM stream can be read only once');
    gen = runStream(call, h, io);
    return gen;
  };
  const next = (g: AsyncGenerator<string>) =>
    g.next().catch((err) => {
      rejectResult(err);
      throw err;
    });

  return {
    // Awaiting `result` without iterating reads the stream to its end (deltas discarded).
    get result() {
      if (!gen) {
        const g = start();
        (async () => {
          while (!(await next(g)).done);
        })().catch(() => {});
      }
      return result;
    },
    [Symbol.asyncIterator]: () => {
      const g = start();
      return { next: () => next(g), return: (value?: unknown) => g.return(value as undefined) };
    },
  };
}

async function* runStream<S extends StreamSetup>(
  call: LlmTextCall,
  h: StreamHelpers<S>,
  io: StreamIo,
): AsyncGenerator<string> {
  const started = performance.now();
  const { setup, chain, ctx, key } = await h.prepare();
  const hit = await h.cachedResponse(ctx, key);
  if (hit) {
    if (hit.text) yield hit.text;
    io.resolveResult(h.fromCache(hit, started));
    return;
  }
  const held = await h.holdBudget(call.workspaceId, setup, chain);
  const billed = new BilledAttempts();
  const price = (ref: ModelRef, used: LlmUsage) => h.cost(setup, ref, used);
  try {
    const res = await runChain<Live>(
      chain,
      h.chainEnv(setup, ctx, billed),
      { signal: call.signal, estimatedTokens: estimateTokens(call), label: `the ${call.role} role` },
      (attempt) => streamAttempt(call, h, io, setup, attempt),
    );
    const lease = res.lease!;
    const { attempt } = res.value;
    let end: { text: string; usage: LlmUsage; truncated: boolean } | undefined;
    let threw = false;
    const firstAt = performance.now();
    // A stream that did not end was still generated up to where it stopped, and the provider bills
    // that: the prompt and what was received are counted (the server says nothing of it).
    const partialUsage = () =>
      estimatedUsage(io.sent ?? promptArgs(call), io.received.text, io.received.reasoning);
    try {
      if (res.value.first) yield res.value.first;
      end = yield* restOfStream(call, io, res.value, res.model);
    } catch (err) {
      threw = true;
      const cancelled = Boolean(call.signal?.aborted);
      lease.settle({
        usage: partialUsage(),
        ...(cancelled
          ? { cancelled: true }
          : { error: err instanceof LlmStreamInterruptedError ? err.cause : err }),
      });
      io.rejectResult(err);
      throw err;
    } finally {
      if (!end && !call.signal?.aborted) {
        // The consumer stopped reading (break/return): stop the upstream request too.
        attempt.cancel();
        lease.settle({ usage: partialUsage(), cancelled: true });
        io.rejectResult(new Error('The stream consumer stopped reading'));
        if (!threw) billed.reportFailure(call, price);
      }
    }
    const { text, usage } = end;
    lease.settle({ usage });
    // An answer cut at the output limit is used, not kept for the next identical call.
    if (!end.truncated)
      h.storeResponse(key, { text, usage, provider: res.model.provider, model: res.model.model });
    const billedInAll = billed.beyond(usage, price);
    io.resolveResult({
      text,
      usage,
      provider: res.model.provider,
      model: res.model.model,
      costUsd: h.cost(setup, res.model, usage),
      cached: false,
      attempts: res.attempts,
      // For the caller: from the call, including any failed attempts before this one.
      latencyMs: performance.now() - started,
      ttftMs: firstAt - started,
      ...(billedInAll && { billed: billedInAll }),
    });
  } catch (err) {
    billed.reportFailure(call, price);
    throw err;
  } finally {
    held.release();
  }
}

/** One attempt: the stream opened and read up to its first text (until then it may still fail over). */
async function streamAttempt<S extends StreamSetup>(
  call: LlmTextCall,
  h: StreamHelpers<S>,
  io: StreamIo,
  setup: S,
  attempt: Attempt,
): Promise<AttemptResult<Live>> {
  const where = { credentials: setup.resolved.credentials, scope: setup.scope };
  const fitted = await h.fitter.fit(call, attempt.model, where, io.fitState);
  io.sent = promptArgs(fitted);
  const model = specificationModel(h.languageModel(setup, attempt.model));
  // The provider's own stream, read directly (provider-call.ts): the SDK's streamText adds layers of
  // web streams — a tee kept for results never read here, step bookkeeping — that cost more than
  // the provider's own work for every token.
  let parts: AsyncIterator<Part> | undefined;
  try {
    const { stream } = await model.doStream({
      prompt: providerPrompt(io.sent),
      ...(fitted.temperature !== undefined && { temperature: fitted.temperature }),
      ...(fitted.maxOutputTokens !== undefined && { maxOutputTokens: fitted.maxOutputTokens }),
      abortSignal: attempt.signal,
    });
    parts = stream[Symbol.asyncIterator]();
    return { value: await firstText(attempt, parts, io.onReasoning, io.usageOf), deferred: true };
  } catch (err) {
    await parts?.return?.();
    const cause = causeOf(attempt, err);
    if (isContextOverflow(cause)) h.fitter.overflowed(cause, call, attempt.model, setup.scope, io.fitState);
    throw cause;
  }
}

/**
 * The committed stream after its first text: yields the deltas and returns the whole text and its
 * usage. A failure now is LlmStreamInterruptedError with the text so far (or the caller's abort).
 */
async function* restOfStream(
  call: LlmTextCall,
  io: StreamIo,
  live: Live,
  model: ModelRef,
): AsyncGenerator<string, { text: string; usage: LlmUsage; truncated: boolean }> {
  const { parts, attempt } = live;
  let text = live.first;
  let reasoning = live.reasoning;
  let usage: LlmUsage | undefined;
  let truncated = false;
  const received = () => {
    io.received = { text, reasoning };
  };
  while (!usage) {
    let step: IteratorResult<Part>;
    try {
      step = await parts.next();
    } catch (err) {
      received();
      if (call.signal?.aborted) throw call.signal.reason;
      throw new LlmStreamInterruptedError(text, model, causeOf(attempt, err));
    }
    received();
    if (step.done) throw new LlmStreamInterruptedError(text, model, new Error('ended without finishing'));
    const part = step.value;
    attempt.touch();
    if (part.type === 'text-delta') {
      const delta = lineFeedsOnly(part.delta);
      if (delta) {
        text += delta;
        yield delta;
      }
    } else if (part.type === 'reasoning-delta') {
      reasoning += part.delta;
      io.onReasoning(part.delta);
    } else if (part.type === 'error') {
      if (call.signal?.aborted) throw call.signal.reason;
      throw new LlmStreamInterruptedError(text, model, causeOf(attempt, part.error));
    } else if (part.type === 'finish') {
      if (unfinished(part))
        throw new LlmStreamInterruptedError(text, model, new Error('ended without finishing'));
      usage = io.usageOf(fromProviderUsage(part.usage), text, reasoning);
      truncated = part.finishReason.unified === 'length';
    }
  }
  // A chat template that opens the answer with `<think>` itself (DeepSeek-R1 distills, QwQ served
  // without a reasoning parser) streams the thinking as text up to a lone `</think>`: it was shown
  // as it came, but the answer is what follows it.
  const answer = splitStrayReasoning(text).text;
  // Only whitespace, or only thinking before a lone `</think>`: as empty as no text at all (billed;
  // the caller's step asks again).
  if (!answer.trim()) throw new EmptyAnswerError(usage, truncated ? 'length' : undefined);
  return { text: answer, usage, truncated };
}
