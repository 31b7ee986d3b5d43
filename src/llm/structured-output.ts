// Structured output on servers that support it fully, half or not at all. A ladder of ways to ask:
//   json_schema  the provider's native structured output (response_format json_schema)
//   json_object  JSON mode (response_format json_object), the schema in the prompt
//   tool         a forced tool call whose parameters are the schema
//   text         plain text, the schema in the prompt, the JSON extracted from the answer
// Every answer is read leniently (fences, preamble, trailing text) and validated by zod; the
// gateway gives one repair round with the validation error, then steps down a rung.
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { APICallError, type LanguageModel } from 'ai';
import type { z } from 'zod';
import { InvalidOutputError } from './failures.ts';
import { extractJson } from './json-extract.ts';
import { type PromptArgs, toUsage } from './prompt.ts';
import { fromProviderUsage, providerPrompt, specificationModel } from './provider-call.ts';
import { streamedAnswer, type WholeAnswer } from './structured-stream.ts';
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

function schemaInstruction(name: string, schemaJson: unknown): string {
  return `Answer with one JSON object (a "${name}") that matches this JSON Schema, and nothing else — no prose, no Markdown fence:\n${JSON.stringify(schemaJson)}`;
}

/** Passed through to the provider. (The gateway's own retries are the only ones.) */
export type RungSettings = Pick<
  LanguageModelV3CallOptions,
  'temperature' | 'maxOutputTokens' | 'abortSignal'
>;

export interface RungRequest<T> {
  model: LanguageModel;
  prompt: PromptArgs;
  settings: RungSettings;
  schema: z.ZodType<T>;
  schemaJson: Record<string, unknown>;
  name: string;
  /** Follows the object as it is written (`LlmObjectCall.onPartial`): the answer is streamed. */
  onPartial?: (partial: unknown) => void;
}

export interface RungAnswer<T> {
  object: T;
  /** What the model wrote (the tool call's arguments for the tool rung). */
  text: string;
  usage: LlmUsage;
}

type SpecificationModel = ReturnType<typeof specificationModel>;

/** The rungs each model (one per server and model) was seen to answer whole but not streamed. */
const streamRefused = new WeakMap<SpecificationModel, Set<OutputRung>>();

/**
 * The whole answer, streamed when the caller follows it. A server that will not stream this request
 * (some refuse a response format or tools with `stream`) is asked for it whole: its refusal of the
 * rung itself is decided on that answer, so streaming never costs a model its rung; once it has
 * answered whole, that rung is not streamed to it again.
 */
async function wholeAnswer(
  model: SpecificationModel,
  rung: OutputRung,
  options: LanguageModelV3CallOptions,
  onPartial: ((partial: unknown) => void) | undefined,
): Promise<WholeAnswer> {
  if (!onPartial || streamRefused.get(model)?.has(rung)) return model.doGenerate(options);
  try {
    return await streamedAnswer(model, options, onPartial);
  } catch (err) {
    if (!refusesRung(err)) throw err;
    const whole = await model.doGenerate(options);
    streamRefused.set(model, new Set(streamRefused.get(model)).add(rung));
    return whole;
  }
}

/** The answer's text, reasoning and tool calls, and the server's usage or the tokenizer's estimate. */
function answerOf(r: WholeAnswer) {
  let text = '';
  let reasoning = '';
  const toolInputs: string[] = [];
  for (const part of r.content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'reasoning') reasoning += part.text;
    else if (part.type === 'tool-call') toolInputs.push(part.input);
  }
  const usage = fromProviderUsage(r.usage);
  const usageFor = (prompt: PromptArgs, output: string, extra: string): LlmUsage =>
    usageMissing(usage) ? estimatedUsage(prompt, output, reasoning, extra) : toUsage(usage);
  return { text, toolInputs, usageFor };
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
  const model = specificationModel(req.model);
  if (rung === 'tool') {
    const sent = {
      ...req.prompt,
      system: [
        req.prompt.system,
        `Give your answer by calling the tool "${req.name}" with it as the arguments.`,
      ]
        .filter(Boolean)
        .join('\n\n'),
    };
    const r = answerOf(
      await wholeAnswer(
        model,
        rung,
        {
          prompt: providerPrompt(sent),
          ...req.settings,
          tools: [
            {
              type: 'function',
              name: req.name,
              description: `Submit the ${req.name}`,
              inputSchema: req.schemaJson,
            },
          ],
          toolChoice: { type: 'tool', toolName: req.name },
        },
        req.onPartial,
      ),
    );
    // Some servers answer a forced tool call with the JSON as plain text.
    const written = r.toolInputs[0] ?? r.text;
    const usage = r.usageFor(req.prompt, written, JSON.stringify(req.schemaJson));
    return { object: validate(req.schema, written, usage), text: written, usage };
  }
  const prompt = rung === 'json_schema' ? req.prompt : withSchemaInPrompt(req.prompt);
  const responseFormat: LanguageModelV3CallOptions['responseFormat'] =
    rung === 'json_schema'
      ? { type: 'json', schema: req.schemaJson, name: req.name }
      : rung === 'json_object'
        ? { type: 'json' }
        : undefined;
  const r = answerOf(
    await wholeAnswer(
      model,
      rung,
      { prompt: providerPrompt(prompt), ...req.settings, ...(responseFormat && { responseFormat }) },
      req.onPartial,
    ),
  );
  const usage = r.usageFor(prompt, r.text, rung === 'json_schema' ? JSON.stringify(req.schemaJson) : '');
  return { object: validate(req.schema, r.text, usage), text: r.text, usage };
}
