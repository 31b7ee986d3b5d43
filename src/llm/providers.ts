// The only place that touches provider SDKs: turns credentials + a ModelRef into an AI SDK model.
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createGroq } from '@ai-sdk/groq';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModel, LanguageModel } from 'ai';
import { createOllama } from 'ollama-ai-provider-v2';
import { withoutTrailing } from '../trailing-run.ts';
import { trustedFetch } from '../trusted-fetch.ts';
import { ProviderNotConfiguredError } from './failures.ts';
import { withReasoningExtracted } from './reasoning.ts';
import type { ProviderCredentials } from './resolve-models.ts';
import { scopedKey } from './scoped-key.ts';
import type { ModelRef, ProviderName } from './types.ts';

interface ProviderHandle {
  language(model: string): LanguageModel;
  /** undefined when the provider has no embedding models. */
  embedding?: (model: string) => EmbeddingModel;
}

// Workspace credentials carry the SSRF-guarded fetch; the client must use it for every request.
// The operator's own servers get the keep-alive transport (src/trusted-fetch.ts).
const connect = (c: { fetch?: typeof fetch } | undefined) => ({ fetch: c?.fetch ?? trustedFetch });

function build(provider: ProviderName, credentials: ProviderCredentials): ProviderHandle | undefined {
  switch (provider) {
    case 'openai': {
      const c = credentials.openai;
      if (!c) return undefined;
      const p = createOpenAI({ apiKey: c.apiKey, ...(c.baseURL && { baseURL: c.baseURL }), ...connect(c) });
      // Chat completions rather than the Responses API: the same protocol every compatible server speaks.
      return { language: (m) => p.chat(m), embedding: (m) => p.embedding(m) };
    }
    case 'anthropic': {
      const c = credentials.anthropic;
      if (!c) return undefined;
      const p = createAnthropic({
        apiKey: c.apiKey,
        ...(c.baseURL && { baseURL: c.baseURL }),
        ...connect(c),
      });
      return { language: (m) => p.languageModel(m) };
    }
    case 'google': {
      const c = credentials.google;
      if (!c) return undefined;
      const p = createGoogleGenerativeAI({
        apiKey: c.apiKey,
        ...(c.baseURL && { baseURL: c.baseURL }),
        ...connect(c),
      });
      return { language: (m) => p.languageModel(m), embedding: (m) => p.embedding(m) };
    }
    case 'groq': {
      const c = credentials.groq;
      if (!c) return undefined;
      const p = createGroq({ apiKey: c.apiKey, ...(c.baseURL && { baseURL: c.baseURL }), ...connect(c) });
      return { language: (m) => p.languageModel(m) };
    }
    case 'ollama': {
      const c = credentials.ollama;
      if (!c) return undefined;
      const baseURL = `${withoutTrailing(c.baseURL, '/')}/api`;
      const p = createOllama({ baseURL, ...connect(c) });
      return { language: (m) => p.languageModel(m), embedding: (m) => p.embedding(m) };
    }
    case 'compatible': {
      const c = credentials.compatible;
      if (!c) return undefined;
      const p = createOpenAICompatible({
        name: 'compatible',
        baseURL: withoutTrailing(c.baseURL, '/'),
        ...(c.apiKey && { apiKey: c.apiKey }),
        ...connect(c),
        // Without it streaming responses carry no token counts and the ledger would be blind.
        includeUsage: true,
        supportsStructuredOutputs: true,
      });
      return { language: (m) => p.chatModel(m), embedding: (m) => p.embeddingModel(m) };
    }
  }
}

/**
 * Builds provider clients lazily and keeps them, one per provider and credential set, so a
 * call costs a map lookup rather than a client construction.
 */
export class ModelFactory {
  private readonly handles = new Map<string, ProviderHandle>();
  private readonly languageModels = new Map<string, LanguageModel>();
  private readonly plainLanguageModels = new Map<string, LanguageModel>();
  private readonly embeddingModels = new Map<string, EmbeddingModel>();

  private handle(scope: string, ref: ModelRef, credentials: ProviderCredentials): ProviderHandle {
    const key = `${scope}\u0000${ref.provider}`;
    let h = this.handles.get(key);
    if (!h) {
      h = build(ref.provider, credentials);
      if (!h)
        throw new ProviderNotConfiguredError(`Model ${ref.id}: provider "${ref.provider}" is not configured`);
      this.handles.set(key, h);
    }
    return h;
  }

  /** `scope` identifies the credential set (environment or a workspace). */
  language(scope: string, ref: ModelRef, credentials: ProviderCredentials): LanguageModel {
    const key = scopedKey(scope, ref);
    let m = this.languageModels.get(key);
    if (!m) {
      m = withReasoningExtracted(this.plainLanguage(scope, ref, credentials));
      this.languageModels.set(key, m);
    }
    return m;
  }

  /** The model without the `<think>` middleware: the caller applies `splitThinkTags` to its answer. */
  plainLanguage(scope: string, ref: ModelRef, credentials: ProviderCredentials): LanguageModel {
    const key = scopedKey(scope, ref);
    let m = this.plainLanguageModels.get(key);
    if (!m) {
      m = this.handle(scope, ref, credentials).language(ref.model);
      this.plainLanguageModels.set(key, m);
    }
    return m;
  }

  embedding(scope: string, ref: ModelRef, credentials: ProviderCredentials): EmbeddingModel {
    const key = scopedKey(scope, ref);
    let m = this.embeddingModels.get(key);
    if (!m) {
      const make = this.handle(scope, ref, credentials).embedding;
      if (!make) throw new ProviderNotConfiguredError(`Provider "${ref.provider}" has no embedding models`);
      m = make(ref.model);
      this.embeddingModels.set(key, m);
    }
    return m;
  }

  /** Drops the clients built for a scope (its credentials changed). */
  forget(scope: string): void {
    for (const map of [this.handles, this.languageModels, this.plainLanguageModels, this.embeddingModels])
      for (const key of map.keys()) if (key.startsWith(`${scope}\u0000`)) map.delete(key);
  }
}
