// A text or structured-output call: the cache, the budget, then the chain (fitting the prompt to
// each model's context), then the answer stored in the cache and returned with its cost.
import type { z } from 'zod';
import { BilledAttempts } from './billed-attempts.ts';
import type { Attempt, AttemptResult } from './chain-types.ts';
import { EmptyAnswerError } from './failures.ts';
import { isContextOverflow, newFitState, type TokenReserve } from './fit-context.ts';
import type { GatewayCore } from './gateway-core.ts';
import { fromCache } from './gateway-response-cache.ts';
import type { Setup } from './gateway-setups.ts';
import { holdBudget } from './hold-budget.ts';
import { lineFeedsOnly } from './line-feeds.ts';
import { observeStructuredOutput } from './metrics.ts';
import { estimatedCallUsage, estimateTokens, type PromptArgs, promptArgs, toUsage } from './prompt.ts';
import { fromProviderUsage, providerPrompt, specificationModel } from './provider-call.ts';
import { splitThinkTags, stripStrayReasoning } from './reasoning.ts';
import { schemaJsonOf } from './response-cache-key.ts';
import { runChain } from './run-chain.ts';
import { structuredAttempt } from './structured-attempt.ts';
import { countTokens, estimatedUsage, tokensAtMost, usageMissing } from './token-count.ts';
import type { LlmObjectResult, LlmTextCall, LlmTextResult, LlmUsage, ModelRef, OutputRung } from './types.ts';

/** `truncated`: the model stopped at its output limit; such an answer is used but not cached. */
type Answer<T> = { text: string; object: T; rung: OutputRung | undefined; truncated?: boolean };

/** A text call's result has no `object`; a structured call's has. */
export function generate(core: GatewayCore, call: LlmTextCall): Promise<LlmTextResult>;
export function generate<T>(
  core: GatewayCore,
  call: LlmTextCall,
  schema: z.ZodType<T>,
  schemaName?: string,
  onPartial?: (partial: unknown) => void,
): Promise<LlmObjectResult<T>>;
export async function generate<T>(
  core: GatewayCore,
  call: LlmTextCall,
  schema?: z.ZodType<T>,
  schemaName?: string,
  onPartial?: (partial: unknown) => void,
): Promise<LlmTextResult | LlmObjectResult<T>> {
  const started = performance.now();
  const { setup, chain, ctx, prompt, key } = await core.prepare(call, schema);
  // A cached object is checked against the schema as a model's would be: the key holds the schema's
  // JSON, not its refinements, and the store may hold what another version wrote. One that fails
  // (or a schema whose output does not parse again) is a miss.
  const hit = await core.responses.read(ctx, call, key, (found) => {
    if (!schema) return found;
    const parsed = schema.safeParse(found.object);
    return parsed.success ? { ...found, object: parsed.data } : null;
  });
  if (hit) return schema ? { ...fromCache(hit, started), object: hit.object as T } : fromCache(hit, started);
  const held = await holdBudget(
    core.recorder,
    call.workspaceId,
    chain,
    setup.prices,
    estimatedCallUsage(call),
  );

  const fitState = newFitState();
  const billed = new BilledAttempts();
  const price = (ref: ModelRef, used: LlmUsage) =>
    core.recorder.cost(ref.provider, ref.model, used, setup.prices);
  const res = await runChain<Answer<T>>(
    chain,
    core.chainEnv(setup, ctx, billed),
    { signal: call.signal, estimatedTokens: estimateTokens(call), label: `the ${call.role} role` },
    (attempt) =>
      generateAttempt(core, setup, { call, prompt }, attempt, fitState, schema, { schemaName, onPartial }),
  )
    .catch((err) => {
      billed.reportFailure(call, price);
      throw err;
    })
    .finally(() => held.release());
  const usage = res.usage as LlmUsage;
  const billedInAll = billed.beyond(usage, price);
  const rung = res.value.rung;
  if (rung) noteRung(core, call, res.model, rung);
  if (!res.value.truncated)
    core.responses.write(key, {
      text: res.value.text,
      ...(schema && { object: res.value.object }),
      ...(rung && { rung }),
      usage,
      provider: res.model.provider,
      model: res.model.model,
    });
  return {
    text: res.value.text,
    // A text call's result has no `object` (built without it, not copied without it: a rest copy
    // per call).
    ...(schema && { object: res.value.object }),
    ...(rung && { rung }),
    usage,
    provider: res.model.provider,
    model: res.model.model,
    costUsd: price(res.model, usage),
    cached: false,
    attempts: res.attempts,
    latencyMs: performance.now() - started,
    ttftMs: null,
    ...(billedInAll && { billed: billedInAll }),
  };
}

const schemaReserves = new WeakMap<z.ZodType, TokenReserve>();

/** Tokens a schema adds to the request: bounded by its bytes, counted (once per schema) only if asked. */
function schemaReserveOf(schema: z.ZodType): TokenReserve {
  let reserve = schemaReserves.get(schema);
  if (!reserve) {
    const json = JSON.stringify(schemaJsonOf(schema));
    let counted: number | undefined;
    reserve = { atMost: tokensAtMost(json), exact: () => (counted ??= countTokens(json)) };
    schemaReserves.set(schema, reserve);
  }
  return reserve;
}

/** One upstream request: the prompt fitted to this model's context, plain text or structured. */
async function generateAttempt<T>(
  core: GatewayCore,
  setup: Setup,
  { call, prompt: built }: { call: LlmTextCall; prompt: PromptArgs },
  attempt: Attempt,
  fitState: ReturnType<typeof newFitState>,
  schema: z.ZodType<T> | undefined,
  {
    schemaName,
    onPartial,
  }: { schemaName?: string | undefined; onPartial?: ((partial: unknown) => void) | undefined },
): Promise<AttemptResult<Answer<T>>> {
  const { scope, resolved } = setup;
  // A plain text answer gets its `<think>` blocks moved out below; structured answers keep the middleware.
  const model = schema
    ? core.factory.language(scope, attempt.model, resolved.credentials)
    : core.factory.plainLanguage(scope, attempt.model, resolved.credentials);
  const where = { credentials: resolved.credentials, scope };
  const reserve = schema ? schemaReserveOf(schema) : undefined;
  const fitted = await core.fitter.fit(call, attempt.model, where, fitState, reserve, built);
  const prompt = fitted === call && !attempt.repair ? built : promptArgs(fitted, attempt.repair);
  const sampling = {
    ...(fitted.temperature !== undefined && { temperature: fitted.temperature }),
    ...(fitted.maxOutputTokens !== undefined && { maxOutputTokens: fitted.maxOutputTokens }),
  };
  try {
    if (schema)
      return await structuredAttempt(
        core,
        setup,
        attempt,
        { model, prompt, ...sampling, abortSignal: attempt.signal },
        schema,
        schemaName ?? 'answer',
        onPartial,
      );
    // On the model itself (provider-call.ts): generateText's prompt validation alone cost more
    // than everything the gateway adds to a call.
    const r = await specificationModel(model).doGenerate({
      prompt: providerPrompt(prompt),
      ...sampling,
      abortSignal: attempt.signal,
    });
    let text = '';
    let reasoning = '';
    for (const part of r.content) {
      if (part.type === 'text') text += lineFeedsOnly(part.text);
      else if (part.type === 'reasoning') reasoning += part.text;
    }
    const answer = splitThinkTags(text);
    const usage = fromProviderUsage(r.usage);
    const billed = usageMissing(usage)
      ? estimatedUsage(prompt, answer.text, [reasoning, answer.reasoning].filter(Boolean).join('\n'))
      : toUsage(usage);
    const kept = stripStrayReasoning(answer.text);
    if (!kept.trim()) throw new EmptyAnswerError(billed, r.finishReason.unified);
    return {
      value: {
        text: kept,
        object: undefined as T,
        rung: undefined,
        truncated: r.finishReason.unified === 'length',
      },
      usage: billed,
    };
  } catch (err) {
    // The next attempt builds the prompt to the context size the server just revealed.
    if (isContextOverflow(err)) core.fitter.overflowed(err, call, attempt.model, setup.scope, fitState);
    throw err;
  }
}

function noteRung(core: GatewayCore, call: LlmTextCall, model: ModelRef, rung: OutputRung) {
  observeStructuredOutput(model, rung);
  core.logger.info(
    { model: model.id, rung, role: call.role, purpose: call.purpose },
    'structured output answered',
  );
}
