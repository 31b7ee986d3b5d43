// Public types of the LLM gateway: what the rest of Blogsmith passes in and gets back.
// Nothing here mentions a provider SDK, so callers never depend on one.
import type { z } from 'zod';
import type { ProviderName } from './provider-names.ts';
import type { ResolvedModels } from './resolve-models.ts';
import type { GenerationRole } from './roles.ts';
import type { LlmUsage } from './usage.ts';

// Leaf modules (config.ts and model resolution read them without importing the gateway),
// re-exported here as part of the gateway's types.
export type { ModelRef } from './model-ref.ts';
export { type ProviderName, providerNames } from './provider-names.ts';
export { type GenerationRole, type LlmRole, llmRoles } from './roles.ts';
export type { LlmUsage } from './usage.ts';

/**
 * How a structured answer was asked for, best first: the provider's native JSON-schema output, JSON
 * mode with the schema in the prompt, a forced tool call, plain text with the JSON extracted.
 */
export const outputRungs = ['json_schema', 'json_object', 'tool', 'text'] as const;
export type OutputRung = (typeof outputRungs)[number];

export interface LlmPurpose {
  /** `tool`: a short-form tool (src/tools/), its template id as the step; `remix`: an article remixed, its format as the step. */
  kind: 'article' | 'chat' | 'check' | 'embedding' | 'tool' | 'remix' | 'other';
  /** e.g. the article id */
  id?: string;
  /** e.g. the pipeline step */
  step?: string;
}

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

interface LlmCallContext {
  purpose: LlmPurpose;
  workspaceId?: string;
  userId?: string;
  /** Aborts the call; the gateway then neither retries nor falls back. */
  signal?: AbortSignal;
  /** `false` bypasses the response cache for this call (default: use it). */
  cache?: boolean;
}

export interface LlmTextCall extends LlmCallContext {
  role: GenerationRole;
  /** Either `prompt` (one user message) or `messages`. */
  prompt?: string;
  messages?: LlmMessage[];
  system?: string;
  temperature?: number;
  maxOutputTokens?: number;
  /**
   * Streams only: receives the model's reasoning ("thinking") as it arrives. Reasoning is never
   * part of the text; without this callback it is dropped (but still counted in usage).
   */
  onReasoning?: (delta: string) => void;
  /**
   * Told, when the call fails or is cancelled, what its upstream attempts were billed all the same
   * (a stream cut or stopped midway, answers that failed before the last error); not called when
   * nothing was billed. Its caller's record of spend then matches the ledger's.
   */
  onFailedSpend?: (spend: FailedSpend) => void;
  /**
   * Rebuilds the prompt to at most `maxPromptTokens` (e.g. sources cut to their best passages), so
   * the call fits the model's context window; called per attempt, smaller after a context-length
   * refusal. Returns `prompt` (and `system`) or `messages`.
   */
  fit?: (maxPromptTokens: number) => Pick<LlmTextCall, 'prompt' | 'messages' | 'system'>;
}

export interface LlmObjectCall<T> extends LlmTextCall {
  schema: z.ZodType<T>;
  /** Name of the object in the JSON-schema response format (some providers show it to the model). */
  schemaName?: string;
  /**
   * Follows the answer as the model writes it: the answer is then streamed, and this gets what of
   * the object is written so far (unvalidated JSON, its open strings and arrays closed) each time
   * it grows by a value. A hint only: an attempt that then fails may have given some, a cached
   * answer gives none, and the validated object is the call's result.
   */
  onPartial?: (partial: unknown) => void;
}

export interface LlmEmbedOptions extends Omit<LlmCallContext, 'purpose'> {
  purpose?: LlmPurpose;
  /**
   * The width to ask the model for, where it can be asked (embedding-width.ts): the embedding
   * column's. EMBEDDING_DIMENSIONS when not given.
   */
  dimensions?: number;
}

export interface LlmTextResult {
  text: string;
  usage: LlmUsage;
  /** The provider and model that produced the answer (after any fallback). */
  provider: ProviderName;
  model: string;
  /** null when the model has no known price. 0 for cache hits. */
  costUsd: number | null;
  /** Served from the gateway's response cache: no upstream request, not billed. */
  cached: boolean;
  /** Upstream requests made for this call, including retries, repairs and fallbacks. */
  attempts: number;
  latencyMs: number;
  /** Milliseconds to the first streamed token; null for non-streaming calls. */
  ttftMs: number | null;
  /**
   * Every attempt of the call, when attempts besides the answer's were billed (an invalid answer
   * repaired, an empty one asked again, a stream cut before a fallback): what the call cost in all.
   */
  billed?: BilledSpend;
}

/**
 * Tokens and cost of several attempts. `costUsd` is what the priced ones cost; `unpricedModels`
 * names the models of those that had no price (not in `costUsd`), and `costUsd` is null when none
 * was priced.
 */
export interface BilledSpend {
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  unpricedModels?: string[];
}

/** What a failed call was billed; `estimated` when a tokenizer counted some of it. */
export interface FailedSpend extends BilledSpend {
  estimated: boolean;
}

export interface LlmObjectResult<T> extends LlmTextResult {
  object: T;
  /** The structured-output rung that produced the object (absent for answers cached before rungs existed). */
  rung?: OutputRung;
}

export interface LlmEmbedResult {
  embeddings: number[][];
  usage: { inputTokens: number };
  provider: ProviderName;
  model: string;
  costUsd: number | null;
  /** How many of the texts came from the embedding cache. */
  cachedCount: number;
}

/**
 * Iterate it (once) for text deltas; `result` settles once the stream has ended. Awaiting
 * `result` without iterating reads the whole stream.
 */
export interface LlmStream extends AsyncIterable<string> {
  readonly result: Promise<LlmTextResult>;
}

export interface LlmGateway {
  generateText(call: LlmTextCall): Promise<LlmTextResult>;
  streamText(call: LlmTextCall): LlmStream;
  generateObject<T>(call: LlmObjectCall<T>): Promise<LlmObjectResult<T>>;
  embed(texts: string[], options?: LlmEmbedOptions): Promise<LlmEmbedResult>;
  /** The providers and role chains in effect (for a workspace, with its own settings applied). */
  resolved(workspaceId?: string): Promise<ResolvedModels>;
  /** Forget a workspace's cached settings after they changed. */
  invalidateWorkspace(workspaceId: string): void;
  /** The smallest context window (tokens) among the models of a role's chain. */
  contextTokens(role: GenerationRole, workspaceId?: string): Promise<number>;
  /** Waits for every pending ledger write. */
  flush(): Promise<void>;
}
