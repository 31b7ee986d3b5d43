// Fitting a call to its model's window: a structured answer's schema is reserved from its byte bound,
// and counted with the tokenizer only when that bound could crowd the prompt.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ContextWindows } from '../../src/llm/context-window.ts';
import { ContextFitter, newFitState, type TokenReserve } from '../../src/llm/fit-context.ts';
import { parseModelId } from '../../src/llm/model-id.ts';
import { promptArgs } from '../../src/llm/prompt.ts';
import type { LlmTextCall } from '../../src/llm/types.ts';

const fitter = (window: number) =>
  new ContextFitter(
    new ContextWindows(
      loadConfig({ ENVIRONMENT: 'test', LOG_LEVEL: 'silent', LLM_CONTEXT_TOKENS: String(window) }),
      pino({ level: 'silent' }),
    ),
  );
const ref = parseModelId('openai:gpt-4o-mini');
const where = { credentials: {}, scope: 'env' };
const base = { role: 'planner', purpose: { kind: 'other' } } as const;

/** A schema reserve whose byte bound is four times its real count, recording whether it was counted. */
function reserve(exact: number) {
  const counted: number[] = [];
  const r: TokenReserve = {
    atMost: exact * 4,
    exact: () => {
      counted.push(exact);
      return exact;
    },
  };
  return { r, counted };
}

describe('ContextFitter', () => {
  it('does not count the schema of a call far below its window', async () => {
    const { r, counted } = reserve(500);
    const call: LlmTextCall = { ...base, prompt: 'Plan the article. '.repeat(50), maxOutputTokens: 800 };
    const fitted = await fitter(128_000).fit(call, ref, where, newFitState(), r, promptArgs(call));
    expect(fitted).toBe(call);
    expect(counted).toEqual([]);
  });

  it('counts the schema near the limit and keeps the answer room its real size leaves', async () => {
    // About 7,300 tokens usable: the prompt's bound (~5,000) with the schema's (2,000) and the answer
    // overflow, so the schema is counted; the answer limit is then cut by its real size (500) only.
    const window = 8192;
    const prompt = 'word '.repeat(1000);
    const call: LlmTextCall = { ...base, prompt, maxOutputTokens: 6000 };
    const { r, counted } = reserve(500);
    const fitted = await fitter(window).fit(call, ref, where, newFitState(), r, promptArgs(call));
    expect(counted).toEqual([500]);
    const withExact = await fitter(window).fit(
      call,
      ref,
      where,
      newFitState(),
      { atMost: 500, exact: () => 500 },
      promptArgs(call),
    );
    expect(fitted.maxOutputTokens).toBe(withExact.maxOutputTokens);
    // Cut by the bound instead, the answer would have lost 1,500 more tokens.
    expect(fitted.maxOutputTokens).toBeGreaterThan(5500);
    expect(fitted.maxOutputTokens).toBeLessThan(6000);
  });

  it('gives a rebuilt prompt the same budget with or without counting when far from the limit', async () => {
    const budgets: number[] = [];
    const call: LlmTextCall = {
      ...base,
      prompt: 'Sources follow.',
      fit: (budget: number) => {
        budgets.push(budget);
        return { prompt: 'Sources follow.' };
      },
    };
    const { r, counted } = reserve(300);
    await fitter(128_000).fit(call, ref, where, newFitState(), r, promptArgs(call));
    expect(counted).toEqual([]);
    expect(budgets[0]).toBeGreaterThan(100_000);
  });
});
