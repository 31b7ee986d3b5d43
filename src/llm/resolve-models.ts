// Which providers are usable and which model chain serves each role: environment first,
// then a workspace's own credentials and choices on top.
import type { Config } from '../config.ts';
import { parseModelId } from './model-id.ts';
import type { ModelRef } from './model-ref.ts';
import type { PriceTable } from './prices.ts';
import type { ProviderName } from './provider-names.ts';
import type { LlmRole } from './roles.ts';

/**
 * `fetch`, when set, is what the provider's client connects with: the SSRF-guarded fetch for
 * credentials a workspace stored. Environment credentials have none (the operator is trusted):
 * providers.ts gives them the keep-alive transport (src/trusted-fetch.ts).
 */
type Connect = { fetch?: typeof fetch };
export interface ProviderCredentials {
  openai?: { apiKey: string; baseURL?: string } & Connect;
  anthropic?: { apiKey: string; baseURL?: string } & Connect;
  google?: { apiKey: string; baseURL?: string } & Connect;
  groq?: { apiKey: string; baseURL?: string } & Connect;
  ollama?: { baseURL: string } & Connect;
  compatible?: { baseURL: string; apiKey?: string } & Connect;
}

/** Model choices, all `provider:model`. Unset fields fall through to the next layer. */
export interface ModelChoices {
  default?: string;
  fallbacks?: string[];
  planner?: string;
  writer?: string;
  checker?: string;
  embedding?: string;
}

/** What a workspace may store (through the settings API) to override the environment. */
export interface WorkspaceLlmSettings {
  credentials?: ProviderCredentials;
  models?: ModelChoices;
  /** The workspace's own model prices (not a model choice: ledger costs and budgets read them). */
  prices?: PriceTable;
}

export interface ResolvedModels {
  credentials: ProviderCredentials;
  /** Providers with credentials (or, for ollama, an explicit base URL). */
  configured: ProviderName[];
  /** Primary model first, then the fallbacks. Empty when nothing is configured. */
  chains: Record<LlmRole, ModelRef[]>;
  /** Which layer a credential came from; never the credential itself. */
  credentialSource: Partial<Record<ProviderName, 'environment' | 'workspace'>>;
}

export const defaultOllamaBaseUrl = 'http://127.0.0.1:11434';

// Used only when nothing names a model. Cheap, generally available models of each provider;
// `compatible` servers host arbitrary models, so they need LLM_MODEL.
const providerDefaults: Record<ProviderName, { text?: string; embedding?: string }> = {
  openai: { text: 'gpt-4o-mini', embedding: 'text-embedding-3-small' },
  anthropic: { text: 'claude-haiku-4-5' },
  google: { text: 'gemini-2.5-flash', embedding: 'gemini-embedding-001' },
  groq: { text: 'llama-3.3-70b-versatile' },
  ollama: { text: 'llama3.2', embedding: 'nomic-embed-text' },
  compatible: {},
};
// Order of preference when several providers are configured and no model is named.
const preference: ProviderName[] = ['openai', 'anthropic', 'google', 'groq', 'compatible', 'ollama'];

export function environmentCredentials(config: Config): ProviderCredentials {
  const c: ProviderCredentials = {};
  if (config.OPENAI_API_KEY)
    c.openai = {
      apiKey: config.OPENAI_API_KEY,
      ...(config.OPENAI_BASE_URL && { baseURL: config.OPENAI_BASE_URL }),
    };
  if (config.ANTHROPIC_API_KEY)
    c.anthropic = {
      apiKey: config.ANTHROPIC_API_KEY,
      ...(config.ANTHROPIC_BASE_URL && { baseURL: config.ANTHROPIC_BASE_URL }),
    };
  if (config.GEMINI_API_KEY) c.google = { apiKey: config.GEMINI_API_KEY };
  if (config.GROQ_API_KEY) c.groq = { apiKey: config.GROQ_API_KEY };
  if (config.OLLAMA_BASE_URL) c.ollama = { baseURL: config.OLLAMA_BASE_URL };
  // The operator naming an `ollama:` model without an address means a local Ollama at its default
  // port. Only the operator: a workspace that picks an ollama model must store an address, which
  // then passes the SSRF policy like any other (never an implicit loopback connection).
  else if (
    Object.values(environmentChoices(config))
      .flat()
      .some((m) => m?.startsWith('ollama:'))
  )
    c.ollama = { baseURL: defaultOllamaBaseUrl };
  if (config.OPENAI_COMPATIBLE_BASE_URL)
    c.compatible = {
      baseURL: config.OPENAI_COMPATIBLE_BASE_URL,
      ...(config.OPENAI_COMPATIBLE_API_KEY && { apiKey: config.OPENAI_COMPATIBLE_API_KEY }),
    };
  return c;
}

export function environmentChoices(config: Config): ModelChoices {
  return {
    default: config.LLM_MODEL,
    fallbacks: config.LLM_FALLBACK_MODELS.length > 0 ? config.LLM_FALLBACK_MODELS : undefined,
    planner: config.LLM_PLANNER_MODEL,
    writer: config.LLM_WRITER_MODEL,
    checker: config.LLM_CHECKER_MODEL,
    embedding: config.EMBEDDING_MODEL,
  };
}

const unique = (refs: ModelRef[]) => refs.filter((r, i) => refs.findIndex((o) => o.id === r.id) === i);

export function resolveModels(config: Config, workspace?: WorkspaceLlmSettings | null): ResolvedModels {
  const env = environmentCredentials(config);
  const own = workspace?.credentials ?? {};
  const credentials: ProviderCredentials = { ...env, ...own };
  const credentialSource: ResolvedModels['credentialSource'] = {};
  for (const p of Object.keys(credentials) as ProviderName[])
    credentialSource[p] = p in own ? 'workspace' : 'environment';
  const configured = preference.filter((p) => credentials[p]);

  const envChoices = environmentChoices(config);
  const ws = workspace?.models ?? {};
  const pick = <K extends keyof ModelChoices>(k: K) => ws[k] ?? envChoices[k];

  const withText = configured.filter((p) => providerDefaults[p].text);
  const defaultText = withText[0] ? `${withText[0]}:${providerDefaults[withText[0]].text}` : undefined;
  const primary = pick('default') ?? defaultText;
  // With nothing named at all, the other configured providers back the first one up.
  const implicitFallbacks =
    pick('default') === undefined && pick('fallbacks') === undefined
      ? withText.slice(1).map((p) => `${p}:${providerDefaults[p].text}`)
      : [];
  const fallbacks = (pick('fallbacks') ?? implicitFallbacks).map(parseModelId);

  const chainFor = (role: 'planner' | 'writer' | 'checker') => {
    const first = pick(role) ?? primary;
    return first ? unique([parseModelId(first), ...fallbacks]) : [];
  };

  // Vectors of different models are not comparable, so the embedder never falls back to
  // another model: one model, retried.
  const primaryProvider = primary ? parseModelId(primary).provider : undefined;
  const embedProvider = [primaryProvider, ...configured].find(
    (p): p is ProviderName => p !== undefined && Boolean(credentials[p]) && !!providerDefaults[p].embedding,
  );
  const embedding =
    pick('embedding') ??
    (embedProvider ? `${embedProvider}:${providerDefaults[embedProvider].embedding}` : undefined);

  return {
    credentials,
    configured,
    credentialSource,
    chains: {
      planner: chainFor('planner'),
      writer: chainFor('writer'),
      checker: chainFor('checker'),
      embedder: embedding ? [parseModelId(embedding)] : [],
    },
  };
}
