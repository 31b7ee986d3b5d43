// Fitting a call into its model's context window, per attempt: the prompt is rebuilt to the
// budget when the caller can (`fit`, e.g. sources trimmed to their best passages), and the answer
// limit is lowered when prompt + answer would overflow. A server's context-length 400 teaches the
// real size; the next attempt is built smaller instead of failing the call.
import { APICallError } from 'ai';
import type { ContextWindows } from './context-window.ts';
import { contextLengthPattern, PromptShrunkError } from './failures.ts';
import { type PromptArgs, promptArgs } from './prompt.ts';
import type { ProviderCredentials } from './resolve-models.ts';
import { promptTokens, promptTokensAtMost } from './token-count.ts';
import type { LlmTextCall, ModelRef } from './types.ts';

/** Our tokenizer is not the model's: keep this share of the window free, plus a fixed allowance. */
const safetyShare = 0.1;
const safetyTokens = 48;
/** Without an answer limit, room left for the answer when fitting the prompt. */
const defaultAnswerRoom = 1024;
const minAnswerTokens = 64;

export interface FitState {
  /** Shrinks after each overflow the server reported at a size we already knew. */
  squeeze: number;
  window?: number;
}

export function newFitState(): FitState {
  return { squeeze: 1 };
}

export function isContextOverflow(err: unknown): err is APICallError {
  if (!APICallError.isInstance(err)) return false;
  const status = err.statusCode;
  return (
    (status === 400 || status === 413 || status === 422) &&
    contextLengthPattern.test(`${err.message} ${err.responseBody ?? ''}`)
  );
}

/**
 * Tokens a request adds beyond its prompt (a structured answer's schema): an upper bound from bytes,
 * and the real count, asked for only when the bound could crowd the prompt — so a call far below
 * its window never loads the tokenizer.
 */
export interface TokenReserve {
  atMost: number;
  exact(): number;
}

const noReserve: TokenReserve = { atMost: 0, exact: () => 0 };

export class ContextFitter {
  private readonly windows: ContextWindows;
  constructor(windows: ContextWindows) {
    this.windows = windows;
  }

  /**
   * The call as this attempt sends it. `reserve`: tokens the request adds beyond the prompt (a
   * schema); `built`: the call's prompt if already built.
   */
  async fit(
    call: LlmTextCall,
    ref: ModelRef,
    where: { credentials: ProviderCredentials; scope: string },
    state: FitState,
    reserve: TokenReserve = noReserve,
    built?: PromptArgs,
  ): Promise<LlmTextCall> {
    const window = await this.windows.sizeOf(ref, where.credentials, where.scope);
    state.window = window;
    const answer = call.maxOutputTokens;
    const room = Math.floor(window * (1 - safetyShare) * state.squeeze) - safetyTokens;
    // The reserve is counted only when its bound could crowd the prompt. Otherwise the prompt's own
    // bound fits beside it, so the budget given to `fit` still holds the prompt as built and nothing
    // below is near the limit: the bound changes no outcome.
    const crowded =
      reserve.atMost > 0 &&
      promptTokensAtMost(built ?? promptArgs(call)) + (answer ?? defaultAnswerRoom) > room - reserve.atMost;
    const usable = room - (crowded ? reserve.exact() : reserve.atMost);
    let fitted: LlmTextCall = call;
    if (call.fit) {
      const budget = Math.max(256, usable - (answer ?? defaultAnswerRoom));
      const rebuilt = call.fit(budget);
      fitted = { ...call, prompt: undefined, messages: undefined, ...rebuilt };
      if (fitted.prompt === undefined) delete fitted.prompt;
      if (fitted.messages === undefined) delete fitted.messages;
    }
    if (answer !== undefined) {
      const args = fitted === call && built ? built : promptArgs(fitted);
      // Only a prompt that might not leave room for the answer is tokenized (bytes bound tokens).
      const prompt = promptTokensAtMost(args) + answer > usable ? promptTokens(args) : 0;
      if (prompt + answer > usable && usable - prompt >= minAnswerTokens)
        fitted = { ...fitted, maxOutputTokens: usable - prompt };
    }
    return fitted;
  }

  /**
   * After a context-length refusal: learns the size, then throws so the chain asks again shorter —
   * when the call can be shorter (it rebuilds its prompt, or its answer limit can be lowered);
   * otherwise the refusal stands and the chain moves to the next model at once.
   */
  overflowed(err: APICallError, call: LlmTextCall, ref: ModelRef, scope: string, state: FitState): never {
    const before = state.window ?? 8192;
    const body = `${err.message} ${err.responseBody ?? ''}`;
    const learned = this.windows.learn(ref, scope, before, body);
    // The server named the size we already used: our count was too low, so build smaller.
    if (learned >= before) state.squeeze *= 0.8;
    if (!call.fit && call.maxOutputTokens === undefined) throw err;
    throw new PromptShrunkError(err.message);
  }

  async sizeOf(ref: ModelRef, credentials: ProviderCredentials, scope: string) {
    return this.windows.sizeOf(ref, credentials, scope);
  }
}
