// A view of the resolved providers and role chains that is safe to print or return: which
// providers are configured and where from, never a credential.

import { displayUrl } from './display-url.ts';
import type { ResolvedModels } from './resolve-models.ts';
import { type LlmRole, llmRoles, type ProviderName, providerNames } from './types.ts';

export interface ProvidersView {
  providers: Array<{
    name: ProviderName;
    configured: boolean;
    source: 'environment' | 'workspace' | null;
    /** Custom endpoint without any user:password or query string; null for the provider's default. */
    baseUrl: string | null;
  }>;
  roles: Record<LlmRole, string[]>;
}

export function describeModels(resolved: ResolvedModels): ProvidersView {
  const c = resolved.credentials;
  const baseUrls: Record<ProviderName, string | undefined> = {
    openai: c.openai?.baseURL,
    anthropic: c.anthropic?.baseURL,
    google: c.google?.baseURL,
    groq: c.groq?.baseURL,
    ollama: c.ollama?.baseURL,
    compatible: c.compatible?.baseURL,
  };
  return {
    providers: providerNames.map((name) => ({
      name,
      configured: resolved.configured.includes(name),
      source: resolved.credentialSource[name] ?? null,
      baseUrl: displayUrl(baseUrls[name]),
    })),
    roles: Object.fromEntries(llmRoles.map((r) => [r, resolved.chains[r].map((m) => m.id)])) as Record<
      LlmRole,
      string[]
    >,
  };
}
