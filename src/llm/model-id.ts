// `provider:model` names. The model part may itself contain colons (ollama tags such as
// `llama3.2:3b`), so only the first colon separates.
import type { ModelRef } from './model-ref.ts';
import { type ProviderName, providerNames } from './provider-names.ts';

const isProvider = (s: string): s is ProviderName => (providerNames as readonly string[]).includes(s);

/** Why `id` is not a valid model name, or null when it is. */
export function modelIdProblem(id: string): string | null {
  const colon = id.indexOf(':');
  if (colon <= 0 || colon === id.length - 1) return `"${id}" must be written provider:model`;
  const provider = id.slice(0, colon);
  if (!isProvider(provider))
    return `"${id}": unknown provider "${provider}" (one of ${providerNames.join(', ')})`;
  return null;
}

export function parseModelId(id: string): ModelRef {
  const problem = modelIdProblem(id);
  if (problem) throw new Error(problem);
  const colon = id.indexOf(':');
  return { provider: id.slice(0, colon) as ProviderName, model: id.slice(colon + 1), id };
}
