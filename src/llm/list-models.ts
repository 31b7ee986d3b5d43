// The models a connected provider offers, from its own listing endpoint: what the settings page
// offers to pick from instead of asking for a `provider:model` string typed from memory.
import { AppError, errorMessage } from '../errors.ts';
import { withoutTrailing } from '../trailing-run.ts';
import type { ResolvedModels } from './resolve-models.ts';
import type { ProviderName } from './types.ts';

export interface ListedModel {
  /** `provider:model`, as role settings take it. */
  id: string;
  kind: 'text' | 'embedding';
}

interface Listing {
  url: string;
  headers: Record<string, string>;
  ids(body: unknown): Array<{ id: string; embedding?: boolean }>;
}

type Body = Record<string, unknown>;
const dataIds = (body: unknown) =>
  (((body as Body).data as Body[] | undefined) ?? []).map((m) => ({ id: String(m.id ?? '') }));

function listingOf(provider: ProviderName, credentials: ResolvedModels['credentials']): Listing | undefined {
  const bearer = (key: string | undefined): Record<string, string> =>
    key ? { authorization: `Bearer ${key}` } : {};
  switch (provider) {
    case 'openai':
    case 'groq': {
      const c = credentials[provider];
      if (!c) return undefined;
      const base =
        c.baseURL ?? (provider === 'openai' ? 'https://api.openai.com/v1' : 'https://api.groq.com/openai/v1');
      return { url: `${withoutTrailing(base, '/')}/models`, headers: bearer(c.apiKey), ids: dataIds };
    }
    case 'compatible': {
      const c = credentials.compatible;
      return (
        c && { url: `${withoutTrailing(c.baseURL, '/')}/models`, headers: bearer(c.apiKey), ids: dataIds }
      );
    }
    case 'anthropic': {
      const c = credentials.anthropic;
      if (!c) return undefined;
      return {
        url: `${withoutTrailing(c.baseURL ?? 'https://api.anthropic.com/v1', '/')}/models?limit=100`,
        headers: { 'x-api-key': c.apiKey, 'anthropic-version': '2023-06-01' },
        ids: dataIds,
      };
    }
    case 'google': {
      const c = credentials.google;
      if (!c) return undefined;
      return {
        url: `${withoutTrailing(c.baseURL ?? 'https://generativelanguage.googleapis.com/v1beta', '/')}/models?pageSize=200`,
        headers: { 'x-goog-api-key': c.apiKey },
        ids: (body) =>
          (((body as Body).models as Body[] | undefined) ?? []).map((m) => ({
            id: String(m.name ?? '').replace(/^models\//, ''),
            embedding: ((m.supportedGenerationMethods as string[] | undefined) ?? []).includes(
              'embedContent',
            ),
          })),
      };
    }
    case 'ollama': {
      const c = credentials.ollama;
      if (!c) return undefined;
      return {
        url: `${withoutTrailing(c.baseURL, '/')}/api/tags`,
        headers: {},
        ids: (body) =>
          (((body as Body).models as Body[] | undefined) ?? []).map((m) => ({ id: String(m.name ?? '') })),
      };
    }
  }
}

const fetchOf = (provider: ProviderName, credentials: ResolvedModels['credentials']): typeof fetch =>
  credentials[provider]?.fetch ?? fetch;

/** The provider's models, text models first; a refused or unreachable listing is a clear 503. */
export async function listProviderModels(
  provider: ProviderName,
  resolved: ResolvedModels,
  timeoutMs = 10_000,
): Promise<ListedModel[]> {
  const listing = listingOf(provider, resolved.credentials);
  if (!listing)
    throw new AppError('conflict', `${provider} is not connected yet: save its key or address first`);
  let body: unknown;
  try {
    const res = await fetchOf(provider, resolved.credentials)(listing.url, {
      headers: { accept: 'application/json', ...listing.headers },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    if (!res.ok)
      throw new Error(
        res.status === 401 || res.status === 403
          ? `the server refused the key (${res.status})`
          : `it answered ${res.status}`,
      );
    body = await res.json();
  } catch (err) {
    // The workspace's connection points at a server that does not answer (or refuses the key): a
    // settings problem the admin can fix, not a fault of this server, so a 409 and never a 5xx.
    throw new AppError(
      'conflict',
      `Could not list the models of ${provider}: ${errorMessage(err)}. Check its address and key.`,
    );
  }
  const models = listing
    .ids(body)
    .filter((m) => m.id && m.id.length <= 190)
    .map(
      (m): ListedModel => ({
        id: `${provider}:${m.id}`,
        kind: m.embedding || /embed/i.test(m.id) ? 'embedding' : 'text',
      }),
    );
  return models.sort((a, b) => (a.kind === b.kind ? a.id.localeCompare(b.id) : a.kind === 'text' ? -1 : 1));
}
