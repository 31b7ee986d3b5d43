// Turns a workspace's stored LLM settings (src/llm/settings.ts) into the shape model resolution
// layers over the environment: stored credentials and role models win, the rest falls through.
// Every stored credential connects through `guardedFetch` (the SSRF address policy), whatever its
// base URL: a workspace member chose it.
import type { Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import type { ProviderCredentials, WorkspaceLlmSettings } from './resolve-models.ts';
import { getWorkspaceLlmSettings } from './settings.ts';

/**
 * A provider whose stored key or address this server cannot open stays the workspace's: its calls
 * fail with the reason, rather than going to the environment's provider of that name (whose account
 * the operator pays) or failing as an unexplained decryption error.
 */
const sealedProvider = (provider: string) => ({
  apiKey: 'unreadable',
  baseURL: 'http://sealed.invalid/v1',
  fetch: (async () => {
    throw new AppError(
      'unavailable',
      `The workspace's ${provider} key or address was sealed with another SECRET_KEY and cannot be read here; an admin must enter it again (Settings → Models)`,
    );
  }) as typeof fetch,
});

export function workspaceSettingsSource(database: Database, secretKey: string, guardedFetch: typeof fetch) {
  return async (workspaceId: string): Promise<WorkspaceLlmSettings | null> => {
    const stored = await getWorkspaceLlmSettings(database, secretKey, workspaceId);
    const credentials: ProviderCredentials = {};
    for (const [provider, c] of Object.entries(stored.credentials)) {
      if (c.sealed) {
        (credentials as Record<string, unknown>)[provider] = sealedProvider(provider);
      } else if (provider === 'ollama' && c.baseUrl)
        credentials.ollama = { baseURL: c.baseUrl, fetch: guardedFetch };
      else if (provider === 'compatible' && c.baseUrl) {
        credentials.compatible = {
          baseURL: c.baseUrl,
          ...(c.apiKey ? { apiKey: c.apiKey } : {}),
          fetch: guardedFetch,
        };
      } else if (
        (provider === 'openai' || provider === 'anthropic' || provider === 'google' || provider === 'groq') &&
        c.apiKey
      ) {
        credentials[provider] = {
          apiKey: c.apiKey,
          ...(c.baseUrl ? { baseURL: c.baseUrl } : {}),
          fetch: guardedFetch,
        };
      }
    }
    const { planner, writer, checker, embedder } = stored.roleModels;
    const models = {
      ...(planner && { planner }),
      ...(writer && { writer }),
      ...(checker && { checker }),
      ...(embedder && { embedding: embedder }),
    };
    const prices = stored.modelPrices;
    const hasPrices = Object.keys(prices).length > 0;
    if (Object.keys(credentials).length === 0 && Object.keys(models).length === 0)
      return hasPrices ? { prices } : null;
    return { credentials, models, ...(hasPrices && { prices }) };
  };
}
