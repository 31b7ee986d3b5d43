// What the tools and the remix share around their one model call: the brand voice a request names
// (in the caller's workspace), the writer role's call with its purpose for the ledger and usage
// (`tool:<id>`, `remix:<format>`: F25's usage by purpose lists them), its cost as the response
// reports it, and a prompt no model of the chain could take turned into the member's 400.
import type { z } from 'zod';
import type { AuthContext } from '../accounts/context.ts';
import { brandVoiceIn } from '../articles/brand-voice-store.ts';
import type { BrandVoice } from '../articles/prompts.ts';
import type { Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { LlmUnavailableError } from '../llm/run-chain.ts';
import type { LlmGateway, LlmObjectCall, LlmObjectResult, LlmPurpose } from '../llm/types.ts';

export interface ToolDeps {
  database: Database;
  llm: LlmGateway;
}

export type ToolCaller = Pick<AuthContext, 'workspaceId' | 'userId'>;

export interface ModelCallOptions {
  /** Aborts the model call (the client went away). */
  signal?: AbortSignal;
  /** What of the answer is written so far (unvalidated JSON), as the model writes it. */
  onPartial?: (partial: unknown) => void;
}

/** The usage of one tool or remix call, as its response reports it (the ledger has the same). */
export interface CallUsage {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** What every attempt of the call cost (repairs and fallbacks included); null: no price known. */
  costUsd: number | null;
  costKnown: boolean;
  /** The server reported no usage: the tokens were counted with a tokenizer. */
  estimated: boolean;
  attempts: number;
}

/** The brand voice named by `id` in the caller's workspace; a 400 at `brandVoiceId` when there is none. */
export async function brandVoiceFor(
  database: Database,
  caller: ToolCaller,
  id: string | undefined,
): Promise<BrandVoice | undefined> {
  if (!id) return undefined;
  const voice = await brandVoiceIn(database, caller, id);
  if (!voice)
    throw new AppError('validation_error', 'Unknown brand voice', [
      { path: 'brandVoiceId', message: `Unknown brand voice ${id}` },
    ]);
  return voice;
}

function usageOf(result: LlmObjectResult<unknown>): CallUsage {
  const billed = result.billed;
  const costUsd = billed ? billed.costUsd : result.costUsd;
  return {
    provider: result.provider,
    model: result.model,
    inputTokens: billed?.inputTokens ?? result.usage.inputTokens,
    outputTokens: billed?.outputTokens ?? result.usage.outputTokens,
    costUsd,
    costKnown: costUsd !== null && !billed?.unpricedModels?.length,
    estimated: result.usage.estimated === true,
    attempts: result.attempts,
  };
}

export interface WriterCall<T> {
  purpose: LlmPurpose;
  system: string;
  prompt: string;
  schema: z.ZodType<T>;
  schemaName: string;
  maxOutputTokens: number;
  temperature: number;
  /** Rebuilds the prompt to a token budget (a long article condensed); see LlmTextCall.fit. */
  fit?: LlmObjectCall<T>['fit'];
  /** The request field to blame when no model's context takes the prompt. */
  tooLongAt: string;
}

/** A 503 now, before anything is streamed, when the workspace has no model to write with. */
export async function assertWriter(deps: ToolDeps, caller: ToolCaller): Promise<void> {
  const { chains } = await deps.llm.resolved(caller.workspaceId);
  if (chains.writer.length === 0)
    throw new AppError(
      'unavailable',
      'No language model is configured for writer: set LLM_MODEL and a provider (e.g. OPENAI_COMPATIBLE_BASE_URL), or choose models in the LLM settings',
    );
}

/**
 * The writer role's structured answer. Every answer is fresh (the response cache is not read: the
 * same request again asks for new variants), and the call is billed to the caller's workspace and
 * held to its budget (402 `budget_exceeded`) like an article's.
 */
export async function callWriter<T>(
  deps: ToolDeps,
  caller: ToolCaller,
  call: WriterCall<T>,
  options: ModelCallOptions,
): Promise<{ object: T; usage: CallUsage }> {
  try {
    const result = await deps.llm.generateObject({
      role: 'writer',
      purpose: call.purpose,
      workspaceId: caller.workspaceId,
      userId: caller.userId,
      system: call.system,
      prompt: call.prompt,
      schema: call.schema,
      schemaName: call.schemaName,
      maxOutputTokens: call.maxOutputTokens,
      temperature: call.temperature,
      cache: false,
      ...(call.fit && { fit: call.fit }),
      ...(options.signal && { signal: options.signal }),
      ...(options.onPartial && { onPartial: options.onPartial }),
    });
    return { object: result.object, usage: usageOf(result) };
  } catch (err) {
    if (
      err instanceof LlmUnavailableError &&
      err.failures.length > 0 &&
      err.failures.every((f) => f.code === 'context_length')
    )
      throw new AppError(
        'validation_error',
        "The request is too long for the model's context window: shorten it, or use a model with a larger context",
        [{ path: call.tooLongAt, message: 'too long for the model' }],
      );
    throw err;
  }
}
