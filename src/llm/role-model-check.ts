// A role model is refused at save time when nothing can reach its provider: otherwise the first
// sign of the mistake is a failed article.
import type { WorkspaceLlmSettings } from './settings.ts';
import type { LlmRole, ProviderName } from './types.ts';

/** Why `provider` cannot serve a model from these settings, or null when it can. */
function missingConnection(provider: ProviderName, settings: WorkspaceLlmSettings): string | null {
  const c = settings.credentials[provider];
  // A workspace's Ollama needs an address it stored (checked by the SSRF policy); the local default
  // is the operator's to enable, through OLLAMA_BASE_URL or an `ollama:` LLM_MODEL.
  if (provider === 'ollama')
    return c?.baseUrl ? null : 'add the address (base URL) of your Ollama server first';
  if (provider === 'compatible')
    return c?.baseUrl ? null : 'add the address (base URL) of your OpenAI-compatible server first';
  return c?.apiKey ? null : `add an API key for ${provider} first`;
}

/**
 * Issues for role models in `patch` whose provider has no credentials in the workspace settings
 * `next` nor in the environment (`environment` lists the providers the operator configured).
 */
export function unconnectedRoleModels(
  patch: Partial<Record<LlmRole, string | null | undefined>>,
  next: WorkspaceLlmSettings,
  environment: readonly ProviderName[],
): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  for (const [role, id] of Object.entries(patch)) {
    if (!id) continue;
    const provider = id.slice(0, id.indexOf(':')) as ProviderName;
    if (environment.includes(provider)) continue;
    const missing = missingConnection(provider, next);
    if (missing)
      issues.push({ path: `roleModels.${role}`, message: `${provider} is not connected: ${missing}` });
  }
  return issues;
}
