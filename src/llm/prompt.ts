// Turns a gateway call into AI SDK prompt arguments, and AI SDK usage into ours.
import type { LanguageModelUsage, ModelMessage } from 'ai';
import { AppError } from '../errors.ts';
import type { LlmMessage, LlmTextCall, LlmUsage } from './types.ts';

export interface PromptArgs {
  system?: string;
  messages: ModelMessage[];
}

export function promptArgs(call: LlmTextCall, repair?: { text: string; error: string }): PromptArgs {
  if ((call.prompt === undefined) === (call.messages === undefined))
    throw new AppError('validation_error', 'An LLM call takes either `prompt` or `messages`');
  const given: LlmMessage[] = call.messages ?? [{ role: 'user', content: call.prompt ?? '' }];
  // System text goes in the dedicated field: providers differ on system messages mid-conversation.
  const systemParts = [call.system, ...given.filter((m) => m.role === 'system').map((m) => m.content)].filter(
    (s): s is string => Boolean(s),
  );
  const messages: ModelMessage[] = given
    .filter((m) => m.role !== 'system')
    .map((m) =>
      m.role === 'user' ? { role: 'user', content: m.content } : { role: 'assistant', content: m.content },
    );
  if (repair) {
    messages.push(
      { role: 'assistant', content: repair.text },
      {
        role: 'user',
        content: `Your previous answer was not valid: ${repair.error}\nReply again with only the corrected JSON, nothing else.`,
      },
    );
  }
  return { ...(systemParts.length > 0 && { system: systemParts.join('\n\n') }), messages };
}

/** Rough token estimate (≈4 characters a token) for the rate limiter's reservation. */
export function estimateTokens(call: LlmTextCall): number {
  const usage = estimatedCallUsage(call);
  return usage.inputTokens + usage.outputTokens;
}

/** What a call may use, roughly and before it is made: its prompt at 4 characters a token, its output limit. */
export function estimatedCallUsage(call: LlmTextCall): LlmUsage {
  let chars = (call.system?.length ?? 0) + (call.prompt?.length ?? 0);
  for (const m of call.messages ?? []) chars += m.content.length;
  return {
    inputTokens: Math.ceil(chars / 4),
    outputTokens: call.maxOutputTokens ?? 1024,
    cachedInputTokens: 0,
  };
}

export function toUsage(u: LanguageModelUsage | undefined): LlmUsage {
  const reasoning = u?.outputTokenDetails?.reasoningTokens ?? u?.reasoningTokens ?? 0;
  return {
    inputTokens: u?.inputTokens ?? 0,
    outputTokens: u?.outputTokens ?? 0,
    cachedInputTokens: u?.inputTokenDetails?.cacheReadTokens ?? u?.cachedInputTokens ?? 0,
    ...(reasoning > 0 && { reasoningTokens: reasoning }),
  };
}
