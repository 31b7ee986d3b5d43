// One structured-output attempt at the model's remembered rung. A rung the server refuses, or
// whose answer is still invalid after the repair round, is replaced by the next one down (and
// remembered), and the chain asks again at once.
import type { LanguageModel } from 'ai';
import type { z } from 'zod';
import { errorMessage } from '../errors.ts';
import type { Attempt } from './chain-types.ts';
import { zeroUsage } from './chain-types.ts';
import { InvalidOutputError, RungUnsupportedError } from './failures.ts';
import type { GatewayCore } from './gateway-core.ts';
import type { Setup } from './gateway-setups.ts';
import type { PromptArgs } from './prompt.ts';
import { schemaJsonOf } from './response-cache-key.ts';
import { lowerRung, type RungSettings, refusesRung, requestAtRung } from './structured-output.ts';
import type { LlmUsage } from './types.ts';

export async function structuredAttempt<T>(
  core: Pick<GatewayCore, 'capabilities' | 'logger'>,
  setup: Setup,
  attempt: Attempt,
  args: { model: LanguageModel; prompt: PromptArgs } & RungSettings,
  schema: z.ZodType<T>,
  name: string,
  onPartial?: (partial: unknown) => void,
) {
  const { capabilities, logger } = core;
  const capKey = capabilities.key(attempt.model, setup.resolved.credentials[attempt.model.provider]?.baseURL);
  const rung = await capabilities.rung(capKey);
  const { model, prompt, ...settings } = args;
  const stepDown = (reason: string, usage: LlmUsage): never => {
    const to = lowerRung(rung);
    if (!to) throw new InvalidOutputError(reason, '', usage);
    capabilities.remember(capKey, to);
    logger.warn(
      { model: attempt.model.id, from: rung, to, reason },
      'structured output: stepping down a rung',
    );
    throw new RungUnsupportedError(rung, to, reason, usage);
  };
  try {
    const answer = await requestAtRung(rung, {
      model,
      prompt,
      settings,
      schema,
      schemaJson: schemaJsonOf(schema),
      name,
      ...(onPartial && { onPartial }),
    });
    return { value: { text: answer.text, object: answer.object, rung }, usage: answer.usage };
  } catch (err) {
    if (refusesRung(err)) return stepDown(errorMessage(err), zeroUsage);
    // The repair round was this rung's second chance.
    if (err instanceof InvalidOutputError && attempt.repair && lowerRung(rung))
      return stepDown(err.message, err.usage);
    throw err;
  }
}
