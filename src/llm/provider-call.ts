// Every text, structured and streamed call is made on a provider's model itself (the AI SDK's
// provider specification, v3: `doGenerate`, `doStream`) rather than through the SDK's
// `generateText`/`streamText`: those check the prompt against zod schemas on every call, tee
// streams and keep step bookkeeping — none of which the gateway uses (it has its own retries,
// fallback, structured-output ladder and usage), and which cost more CPU than the provider's own
// work (bench/RESULTS.md). What of theirs the gateway needs is here: the prompt and the usage in the
// specification's shapes.
import type { LanguageModelV3, LanguageModelV3Prompt, LanguageModelV3Usage } from '@ai-sdk/provider';
import type { LanguageModel, LanguageModelUsage } from 'ai';
import type { PromptArgs } from './prompt.ts';

/** The model as the specification defines it (every provider the gateway builds is one). */
export function specificationModel(model: LanguageModel): LanguageModelV3 {
  if (typeof model === 'string' || model.specificationVersion !== 'v3')
    throw new Error(
      `The model ${typeof model === 'string' ? model : `${model.provider}:${model.modelId}`} is not a specification v3 model`,
    );
  return model;
}

/**
 * The prompt in the provider specification's shape, the gateway's prompts being text messages
 * only (the SDK's own conversion is not exported).
 */
export function providerPrompt(sent: PromptArgs): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = sent.system ? [{ role: 'system', content: sent.system }] : [];
  for (const m of sent.messages) {
    if ((m.role !== 'user' && m.role !== 'assistant') || typeof m.content !== 'string')
      throw new Error('The gateway sends text messages only');
    prompt.push({ role: m.role, content: [{ type: 'text', text: m.content }] });
  }
  return prompt;
}

/** A provider's usage report (specification v3) as the SDK's calls report it (`ai`'s own mapping is internal). */
export function fromProviderUsage(u: LanguageModelV3Usage): LanguageModelUsage {
  return {
    inputTokens: u.inputTokens.total,
    inputTokenDetails: {
      noCacheTokens: u.inputTokens.noCache,
      cacheReadTokens: u.inputTokens.cacheRead,
      cacheWriteTokens: u.inputTokens.cacheWrite,
    },
    outputTokens: u.outputTokens.total,
    outputTokenDetails: { textTokens: u.outputTokens.text, reasoningTokens: u.outputTokens.reasoning },
    totalTokens:
      u.inputTokens.total === undefined && u.outputTokens.total === undefined
        ? undefined
        : (u.inputTokens.total ?? 0) + (u.outputTokens.total ?? 0),
    reasoningTokens: u.outputTokens.reasoning,
    cachedInputTokens: u.inputTokens.cacheRead,
  };
}
