// A structured answer read from the provider's stream rather than asked for whole, for a caller
// that follows the object as the model writes it (`LlmObjectCall.onPartial`): the stream's parts
// gathered into what `doGenerate` would have returned — text, reasoning, tool calls, usage — and on
// the way, each time the JSON grows by a value, what of the object is written so far.
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3ToolCall,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { parsePartialJson } from 'ai';
import { streamPartError, UpstreamStreamError } from './failures.ts';

export interface WholeAnswer {
  content: LanguageModelV3Content[];
  usage: LanguageModelV3Usage;
}

// A delta without one of these cannot complete a value (it only extends a string, a number or a
// literal), so the partial object is not parsed again for it.
const closesAValue = /["\],}]/;

/** What `doGenerate` would answer, read from the stream and followed through `onPartial`. */
export async function streamedAnswer(
  model: LanguageModelV3,
  options: LanguageModelV3CallOptions,
  onPartial: (partial: unknown) => void,
): Promise<WholeAnswer> {
  const { stream } = await model.doStream(options);
  let text = '';
  let reasoning = '';
  // The first tool call's arguments as they arrive: the tool rung's answer.
  let toolId: string | undefined;
  let toolInput = '';
  const toolCalls: LanguageModelV3ToolCall[] = [];
  let usage: LanguageModelV3Usage | undefined;
  let shown = '';
  const follow = async (delta: string, written: string) => {
    if (!closesAValue.test(delta)) return;
    // A text answer may open with prose or a Markdown fence; the object starts at its first brace.
    const start = written.indexOf('{');
    if (start < 0) return;
    const { value } = await parsePartialJson(written.slice(start));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    const json = JSON.stringify(value);
    if (json === shown) return;
    shown = json;
    // A hint's consumer failing must not fail the answer it rides on.
    try {
      onPartial(value);
    } catch {}
  };
  for await (const part of stream) {
    if (part.type === 'text-delta') {
      text += part.delta;
      if (toolId === undefined) await follow(part.delta, text);
    } else if (part.type === 'reasoning-delta') reasoning += part.delta;
    else if (part.type === 'tool-input-start') toolId ??= part.id;
    else if (part.type === 'tool-input-delta' && part.id === toolId) {
      toolInput += part.delta;
      await follow(part.delta, toolInput);
    } else if (part.type === 'tool-call') toolCalls.push(part);
    else if (part.type === 'error') throw streamPartError(part.error);
    else if (part.type === 'finish') usage = part.usage;
  }
  if (!usage) throw new UpstreamStreamError(new Error('the answer ended without finishing'));
  return {
    content: [
      ...(reasoning ? [{ type: 'reasoning' as const, text: reasoning }] : []),
      ...(text ? [{ type: 'text' as const, text }] : []),
      ...toolCalls,
    ],
    usage,
  };
}
