// What went wrong with one upstream attempt, and therefore what to do next: retry the same
// model, move along the chain, or give up.
import { APICallError } from 'ai';
import { AppError, errorMessage } from '../errors.ts';
import { retryAfterMs } from './retry-after.ts';
import type { LlmUsage, ModelRef, OutputRung } from './types.ts';
import { upstreamExcerpt } from './upstream-text.ts';

export type FailureKind =
  /** 408/409/429/5xx, network: retry the same model, then fall back. */
  | 'retryable'
  /** No answer in time: retry, then fall back. */
  | 'timeout'
  /** The prompt does not fit: fall back at once (retrying cannot help). */
  | 'context_length'
  /** The model answered but not with valid structured output: one repair, then fall back. */
  | 'invalid_output'
  /** A structured-output rung this model cannot do: ask the same model again one rung lower. */
  | 'output_rung'
  /** The prompt overflowed a context window now known to be smaller: ask again with a shorter prompt. */
  | 'prompt_shrunk'
  /** Our own limiter refused (queue full or wait too long): fall back at once. */
  | 'rate_limited'
  /** The model's provider has no credentials here: fall back at once. */
  | 'not_configured'
  /** Anything else (bad request, auth): stop, the next model would fail the same way or hide a misconfiguration. */
  | 'fatal'
  /** The caller aborted. */
  | 'cancelled';

export interface Failure {
  kind: FailureKind;
  /** Short machine code for the ledger and metrics. */
  code: string;
  message: string;
  status?: number;
  /** Server-requested delay before the next try, when it sent one. */
  retryAfterMs?: number;
  error: unknown;
}

/** Thrown by a structured-output attempt whose answer did not parse or validate. */
export class InvalidOutputError extends Error {
  readonly text: string;
  readonly usage: { inputTokens: number; outputTokens: number; cachedInputTokens: number };
  constructor(
    message: string,
    text: string,
    usage: { inputTokens: number; outputTokens: number; cachedInputTokens: number },
  ) {
    super(message);
    this.name = 'InvalidOutputError';
    this.text = text;
    this.usage = usage;
  }
}

/**
 * A structured-output rung cannot work on this model (the server refused it, or its answers stayed
 * invalid after a repair); the lower rung is already remembered and the chain asks again at once.
 */
export class RungUnsupportedError extends Error {
  readonly from: OutputRung;
  readonly to: OutputRung;
  readonly usage: LlmUsage;
  constructor(from: OutputRung, to: OutputRung, reason: string, usage: LlmUsage) {
    super(`Structured output via ${from} failed (${reason}); stepping down to ${to}`);
    this.name = 'RungUnsupportedError';
    this.from = from;
    this.to = to;
    this.usage = usage;
  }
}

/** The server refused the prompt as too long; the next attempt builds it to the smaller budget. */
export class PromptShrunkError extends Error {
  constructor(message: string) {
    super(`The prompt did not fit the model's context (${message}); asking again with a shorter prompt`);
    this.name = 'PromptShrunkError';
  }
}

export class ProviderNotConfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderNotConfiguredError';
  }
}

/** Marks an abort caused by the gateway's own per-attempt timeout (not the caller). */
export class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`No answer within ${Math.round(ms)} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

/**
 * A stream failed after text had already been delivered: falling back would duplicate or
 * contradict what the caller has. `partialText` is everything received, so the caller can resume
 * (e.g. ask again with the partial text as the assistant's start).
 */
export class LlmStreamInterruptedError extends Error {
  readonly partialText: string;
  readonly provider: string;
  readonly model: string;
  override readonly cause: unknown;
  constructor(partialText: string, model: ModelRef, cause: unknown) {
    super(
      `The ${model.id} stream broke after ${partialText.length} characters: ${upstreamExcerpt(errorMessage(cause))}`,
    );
    this.name = 'LlmStreamInterruptedError';
    this.partialText = partialText;
    this.provider = model.provider;
    this.model = model.model;
    this.cause = cause;
  }
}

/**
 * A text answer with nothing in it once its reasoning is set apart: the model spent its token
 * allowance thinking (`finish_reason: length`), or said nothing. It was generated, so it is billed;
 * the attempt is retried, then the chain falls back (an empty section or revision is never kept).
 */
export class EmptyAnswerError extends Error {
  readonly usage: LlmUsage;
  readonly finishReason: string | undefined;
  constructor(usage: LlmUsage, finishReason: string | undefined) {
    super(
      finishReason === 'length'
        ? 'The model answered with no text: it reached its output limit while still thinking'
        : 'The model answered with no text',
    );
    this.name = 'EmptyAnswerError';
    this.usage = usage;
    this.finishReason = finishReason;
  }
}

/**
 * An error the server sent inside a stream it had answered 200 to — Anthropic's `overloaded_error`
 * event, an OpenAI-compatible `{"error": …}` chunk, a body that ended without finishing. What it
 * says is the server's trouble, not the request's: the attempt is retried, then the chain falls
 * back (a context overflow said this way is one still).
 */
export class UpstreamStreamError extends Error {
  readonly detail: unknown;
  constructor(detail: unknown) {
    super(`The server reported an error in its stream: ${describeStreamError(detail)}`);
    this.name = 'UpstreamStreamError';
    this.detail = detail;
  }
}

/** What a stream's error says: servers send objects (`{type, message}`, `{error: {message}}`), not Errors. */
function describeStreamError(detail: unknown): string {
  if (detail instanceof Error) return detail.message;
  if (typeof detail === 'string') return detail;
  const o = detail as { message?: unknown; type?: unknown; error?: unknown } | null;
  if (o && typeof o.message === 'string')
    return typeof o.type === 'string' ? `${o.type}: ${o.message}` : o.message;
  if (o && o.error !== undefined && o.error !== detail) return describeStreamError(o.error);
  try {
    return JSON.stringify(detail) ?? String(detail);
  } catch {
    return String(detail);
  }
}

/** A stream's error part as an attempt failure: an API error keeps its status; anything else is the server's. */
export const streamPartError = (detail: unknown): unknown =>
  APICallError.isInstance(detail) ? detail : new UpstreamStreamError(detail);

// Hugging Face TGI says it its own way: "`inputs` tokens + `max_new_tokens` must be <= 4096" and
// "`inputs` must have less than 4096 tokens".
export const contextLengthPattern =
  /context[ _-]?length|context window|context size|maximum context|prompt is too long|too many (input )?tokens|input is too long|reduce the length|max_new_tokens`? must be <=|inputs`? must have less than \d+ tokens/i;

// Failure messages reach users (run events, step errors): only a sanitized excerpt of what the
// upstream said.
function messageOf(err: unknown): string {
  return upstreamExcerpt(errorMessage(err));
}

export function classifyFailure(err: unknown, opts: { timedOut: boolean; callerAborted: boolean }): Failure {
  if (opts.callerAborted)
    return { kind: 'cancelled', code: 'cancelled', message: 'Cancelled by the caller', error: err };
  if (opts.timedOut || err instanceof AttemptTimeoutError)
    return { kind: 'timeout', code: 'timeout', message: messageOf(err), error: err };
  if (err instanceof PromptShrunkError)
    return { kind: 'prompt_shrunk', code: 'context_length', message: err.message, error: err };
  if (err instanceof RungUnsupportedError)
    return { kind: 'output_rung', code: `output_rung_${err.from}`, message: err.message, error: err };
  if (err instanceof InvalidOutputError)
    return { kind: 'invalid_output', code: 'invalid_output', message: messageOf(err), error: err };
  if (err instanceof ProviderNotConfiguredError)
    return { kind: 'not_configured', code: 'not_configured', message: messageOf(err), error: err };
  if (err instanceof AppError && err.code === 'rate_limited')
    return { kind: 'rate_limited', code: 'local_rate_limit', message: messageOf(err), error: err };
  if (APICallError.isInstance(err)) {
    const status = err.statusCode;
    const body = `${err.message} ${err.responseBody ?? ''}`;
    if ((status === 400 || status === 413 || status === 422) && contextLengthPattern.test(body))
      return { kind: 'context_length', code: 'context_length', message: messageOf(err), status, error: err };
    if (err.isRetryable) {
      const wait = retryAfterMs(err.responseHeaders);
      return {
        kind: 'retryable',
        code: status ? `http_${status}` : 'network',
        message: messageOf(err),
        ...(status !== undefined && { status }),
        ...(wait !== undefined && { retryAfterMs: wait }),
        error: err,
      };
    }
    return {
      kind: 'fatal',
      code: status ? `http_${status}` : 'api_error',
      message: messageOf(err),
      ...(status !== undefined && { status }),
      error: err,
    };
  }
  if (err instanceof EmptyAnswerError)
    return { kind: 'retryable', code: 'empty_answer', message: err.message, error: err };
  if (err instanceof UpstreamStreamError)
    return contextLengthPattern.test(err.message)
      ? { kind: 'context_length', code: 'context_length', message: messageOf(err), error: err }
      : { kind: 'retryable', code: 'stream_error', message: messageOf(err), error: err };
  // Fetch/socket failures that reached us unwrapped (e.g. a body cut mid-read).
  if (err instanceof TypeError || (err as { code?: string })?.code === 'ECONNRESET')
    return { kind: 'retryable', code: 'network', message: messageOf(err), error: err };
  return { kind: 'fatal', code: 'error', message: messageOf(err), error: err };
}
