// Structured output on servers that support it fully, half or not at all. A ladder of ways to ask:
//   json_schema  the provider's native structured output (response_format json_schema)
//   json_object  JSON mode (response_format json_object), the schema in the prompt
//   tool         a forced tool call whose parameters are the schema
//   text         plain text, the schema in the prompt, the JSON extracted from the answer
// Every answer is read leniently (fences, preamble, trailing text) and validated by zod; the
// gateway gives one repair round with the validation error, then steps down a rung.
import {
  APICallError,
  generateText,
  jsonSchema,
  type LanguageModel,
  type LanguageModelUsage,
  type Output,
  ToolChoiceViolationError,
  tool,
} from 'ai';
import type { z } from 'zod';
import { InvalidOutputError } from './failures.ts';
import { extractJson } from './json-extract.ts';
import { type PromptArgs, toUsage } from './prompt.ts';
import { estimatedUsage, usageMissing } from './token-count.ts';
import { type LlmUsage, type OutputRung, outputRungs } from './types.ts';

export { type OutputRung, outputRungs } from './types.ts';

export function lowerRung(rung: OutputRung): OutputRung | undefined {
  return outputRungs[outputRungs.indexOf(rung) + 1];
}

const refusalPattern =
  /response[_ ]?format|json[_ ]?schema|json[_ ]?object|structured|grammar|tool|function|not supported|unsupported|not implemented/i;

/** A 4xx that says the server does not support what this rung sends (not a context overflow). */
export function refusesRung(err: unknown): boolean {
  if (!APICallError.isInstance(err)) return false;
  const status = err.statusCode ?? 0;
  if (![400, 404, 422, 500, 501].includes(status)) return false;
  const body = `${err.message} ${err.responseBody ?? ''}`;
  if (/context[ _-]?length|maximum context|too many tokens/i.test(body)) return false;
  return refusalPattern.test(body);
}

// The text as the model wrote it; parsing and validation are ours, so they can be lenient.
const rawJson = (responseFormat: {
  type: 'json';
  schema?: unknown;
  name?: string;
}): Output.Output<string, string, never> => ({
  name: 'raw-json',
  responseFormat: Promise.resolve(responseFormat as never),
  parseCompleteOutput: async ({ text }) => text,
  parsePartialOutput: async () => undefined,
  createElementStreamTransform: () => undefined,
});

function schemaInstruction(name: string, schemaJson: unknown): string {
  return `Answer with one JSON object (a "${name}") that matches this JSON Schema, and nothing else — no prose, no Markdown fence:\n${JSON.stringify(schemaJson)}`;
}

export interface RungRequest<T> {
  model: LanguageModel;
  prompt: PromptArgs;
  /** temperature, maxOutputTokens, abort signal, retries… passed through to the SDK. */
  settings: Record<string, unknown>;
  schema: z.ZodType<T>;
  schemaJson: Record<string, unknown>;
  name: string;
}

export interface RungAnswer<T> {
  object: T;
  /** What the model wrote (the tool call's arguments for the tool rung). */
  text: string;
  usage: LlmUsage;
}

/** The server's usage, or the tokenizer's estimate when it sent none. */
function usageOf(
  r: { totalUsage: LanguageModelUsage | undefined; reasoningText: string | undefined },
  prompt: PromptArgs,
  output: string,
  extra: string,
): LlmUsage {
  return usageMissing(r.totalUsage)
    ? estimatedUsage(prompt, output, r.reasoningText ?? '', extra)
    : toUsage(r.totalUsage);
}

function validate<T>(schema: z.ZodType<T>, text: string, usage: LlmUsage, value?: unknown): T {
  const found = value !== undefined ? { ok: true as const, value } : extractJson(text);
  if (!found.ok) throw new InvalidOutputError(found.error, text, usage);
  const parsed = schema.safeParse(found.value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 8)
      .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
      .join('; ');
    throw new InvalidOutputError(`The JSON does not match the schema: ${issues}`, text, usage);
  }
  return parsed.data;
}

/** One upstream request at `rung`; throws InvalidOutputError (with the text) when the answer is unusable. */
export async function requestAtRung<T>(rung: OutputRung, req: RungRequest<T>): Promise<RungAnswer<T>> {
  const withSchemaInPrompt = (p: PromptArgs): PromptArgs => ({
    ...p,
    system: [p.system, schemaInstruction(req.name, req.schemaJson)].filter(Boolean).join('\n\n'),
  });
  if (rung === 'tool') {
    const r = await generateText({
      model: req.model,
      ...req.settings,
      ...req.prompt,
      system: [
        req.prompt.system,
        `Give your answer by calling the tool "${req.name}" with it as the arguments.`,
      ]
        .filter(Boolean)
        .join('\n\n'),
      tools: {
        [req.name]: tool({ description: `Submit the ${req.name}`, inputSchema: jsonSchema(req.schemaJson) }),
      },
      toolChoice: { type: 'tool', toolName: req.name },
    }).catch((err) => {
      // Some servers answer a forced tool call with the JSON as plain text.
      if (!ToolChoiceViolationError.isInstance(err)) throw err;
      const content = (err as { content?: Array<{ type: string; text?: string }> }).content ?? [];
      const text = content.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
      return { text, toolCalls: [], totalUsage: undefined, reasoningText: undefined };
    });
    const call = r.toolCalls[0];
    const written = call ? JSON.stringify(call.input) : r.text;
    const usage = usageOf(r, req.prompt, written, JSON.stringify(req.schemaJson));
    if (call) return { object: validate(req.schema, written, usage, call.input), text: written, usage };
    // Some servers answer a forced tool call with the JSON as plain text.
    return { object: validate(req.schema, r.text, usage), text: r.text, usage };
  }
  const prompt = rung === 'json_schema' ? req.prompt : withSchemaInPrompt(req.prompt);
  const output =
    rung === 'json_schema'
      ? rawJson({ type: 'json', schema: req.schemaJson, name: req.name })
      : rung === 'json_object'
        ? rawJson({ type: 'json' })
        : undefined;
  const r = await generateText({ model: req.model, ...req.settings, ...prompt, ...(output && { output }) });
  const usage = usageOf(r, prompt, r.text, rung === 'json_schema' ? JSON.stringify(req.schemaJson) : '');
  return { object: validate(req.schema, r.text, usage), text: r.text, usage };
}
