// Running one short-form tool: its prompt from the template and the request, one structured call
// for every variant at once, then each variant held to the template's limits (a post over X's 280
// is shortened here, whatever the model says it wrote).
import { z } from 'zod';
import type { BrandVoice } from '../articles/prompts.ts';
import { type LimitUnit, measure, type Repair, shorten } from './limits.ts';
import {
  assertWriter,
  brandVoiceFor,
  type CallUsage,
  callWriter,
  type ModelCallOptions,
  type ToolCaller,
  type ToolDeps,
} from './model-call.ts';
import { requestBlock, textBlock, toolSystem } from './prompt.ts';
import type { ToolInput, ToolTemplate } from './template.ts';

/** Fields of the body that are settings of the call, not material for the prompt. */
const settingFields = new Set(['variants', 'language', 'brandVoiceId']);

export interface ToolResult {
  template: string;
  variants: Array<Record<string, string>>;
  /** Limits each output field was held to, for counters beside the text. */
  limits: Array<{ field: string; max: number; unit: LimitUnit }>;
  repairs: Repair[];
  usage: CallUsage;
}

const unitWords: Record<LimitUnit, string> = { characters: 'characters', x: 'characters as X counts them' };

export function toolPrompt(template: ToolTemplate, input: ToolInput, task: string): string {
  const labels = new Map(template.fields.map((f) => [f.name, f.label]));
  const request = requestBlock(
    Object.entries(input)
      .filter(([name]) => !settingFields.has(name) && !template.passages.includes(name))
      .map(([name, value]) => ({ label: labels.get(name) ?? name, value })),
  );
  const passages = template.passages
    .filter((name) => typeof input[name] === 'string')
    .map((name) => textBlock(labels.get(name) ?? name, input[name] as string));
  const count =
    input.variants === 1 ? 'Write one version.' : `Write ${input.variants} versions, each clearly different.`;
  return [request, ...passages, `${task} ${count}`].filter(Boolean).join('\n\n');
}

/**
 * Everything about a tool request that can be refused before the model is called (an unknown brand
 * voice, no model to write with); then `run` makes the call.
 */
export async function prepareTool(
  deps: ToolDeps,
  caller: ToolCaller,
  template: ToolTemplate,
  input: ToolInput,
): Promise<{ run(options?: ModelCallOptions): Promise<ToolResult> }> {
  const voice = await brandVoiceFor(deps.database, caller, input.brandVoiceId);
  await assertWriter(deps, caller);
  return { run: (options = {}) => runTool(deps, caller, template, input, voice, options) };
}

async function runTool(
  deps: ToolDeps,
  caller: ToolCaller,
  template: ToolTemplate,
  input: ToolInput,
  voice: BrandVoice | undefined,
  options: ModelCallOptions,
): Promise<ToolResult> {
  const plan = template.plan(input);
  const { object, usage } = await callWriter(
    deps,
    caller,
    {
      purpose: { kind: 'tool', step: template.id },
      system: toolSystem({ role: template.role, language: input.language, voice }),
      prompt: toolPrompt(template, input, plan.task),
      schema: z.object({ variants: z.array(template.variant).min(1).max(template.variantsMax) }),
      schemaName: `${template.id.replaceAll('-', '_')}_variants`,
      maxOutputTokens: plan.maxOutputTokens,
      temperature: 0.8,
      // The passage, or the template's longest field: what can make a prompt too long.
      tooLongAt: template.passages[0] ?? template.fields.find((f) => f.kind === 'textarea')?.name ?? 'body',
    },
    options,
  );
  const repairs: Repair[] = [];
  const variants = (object.variants as Array<Record<string, string>>)
    .slice(0, input.variants)
    .map((variant, index) => {
      const kept: Record<string, string> = {};
      for (const { name } of template.outputFields) {
        const written = (variant[name] ?? '').trim();
        const limit = plan.limits[name];
        kept[name] = limit ? shorten(written, limit) : written;
        if (limit && kept[name] !== written)
          repairs.push({
            index,
            field: name,
            message: `${measure(written, limit.unit)} ${unitWords[limit.unit]}, over the limit of ${limit.max}: shortened to ${measure(kept[name], limit.unit)}`,
          });
      }
      return kept;
    });
  const limits = Object.entries(plan.limits).flatMap(([field, limit]) =>
    limit ? [{ field, max: limit.max, unit: limit.unit }] : [],
  );
  return { template: template.id, variants, limits, repairs, usage };
}
