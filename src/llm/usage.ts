// Token usage of one call: a leaf module, so the price table (read by config.ts) does not import the
// gateway's types.
export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens the provider served from its own prompt cache (already part of inputTokens). */
  cachedInputTokens: number;
  /** Output tokens spent on reasoning (already part of outputTokens), when the model reasoned. */
  reasoningTokens?: number;
  /** Counted by the gateway's tokenizer because the server reported no usage. */
  estimated?: boolean;
}
