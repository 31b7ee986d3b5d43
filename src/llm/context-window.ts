// How many tokens each model can take (prompt + answer). In order: LLM_CONTEXT_TOKENS_JSON for the
// model, LLM_CONTEXT_TOKENS, what the server says (vLLM's `max_model_len` in /v1/models, LM Studio's
// and OpenRouter's `context_length`; Ollama's `num_ctx` from /api/show), then a default by provider:
// hosted APIs serve ≥128k, a local server whose size is unknown is assumed small. A context-length
// error teaches the real size (the gateway calls `learn`); a server that could not be asked is asked
// again half a minute later.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { withoutTrailing } from '../trailing-run.ts';
import type { ProviderCredentials } from './resolve-models.ts';
import { scopedKey } from './scoped-key.ts';
import type { ModelRef } from './types.ts';

const hostedDefault = 128_000;
/** A local server that does not say: small enough for a 4k–8k model not to fail on its first prompt. */
const localDefault = 8192;
/** Ollama's own default num_ctx when a model sets none. */
const ollamaDefaultNumCtx = 4096;
const discoveryTimeoutMs = 3000;
/**
 * How long a failed discovery (the server down, restarting, or not up yet: no answer, a 5xx or 429)
 * stands before the server is asked again. Kept for the process's life, one failure would leave every
 * later article on the small default, with less room for its sources, though the server came back.
 */
const rediscoverAfterMs = 30_000;

/**
 * "maximum context length is 8192 tokens" (OpenAI, vLLM), "context size: 4096" (llama.cpp), "context
 * window of 4096", "`inputs` tokens + `max_new_tokens` must be <= 4096" (TGI).
 */
export function contextSizeInError(message: string): number | undefined {
  const m =
    /(?:maximum context length|context (?:length|window|size))(?: is| of)?[\s:(=]*(\d{3,8})/i.exec(message) ??
    /max_new_tokens`? must be <= (\d{3,8})/i.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** A refusal that will not change (no such route, no such model) stands; a 5xx or 429 is a failure. */
function answeredWithout(res: Response): undefined {
  if (res.status >= 500 || res.status === 429) throw new Error(`the server answered ${res.status}`);
  return undefined;
}

export class ContextWindows {
  private readonly known = new Map<string, number>();
  private readonly asking = new Map<string, Promise<number | undefined>>();
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly retryAfterMs: number;

  constructor(config: Config, logger: Logger, options: { rediscoverAfterMs?: number } = {}) {
    this.config = config;
    this.logger = logger;
    this.retryAfterMs = options.rediscoverAfterMs ?? rediscoverAfterMs;
  }

  /**
   * `credentials` are the environment's or a workspace's; only the environment's servers are asked
   * (a workspace's base URL is member-controlled and is not fetched from here).
   */
  async sizeOf(ref: ModelRef, credentials: ProviderCredentials, scope: string): Promise<number> {
    const configured = this.config.LLM_CONTEXT_TOKENS_JSON[ref.id] ?? this.config.LLM_CONTEXT_TOKENS;
    const key = scopedKey(scope, ref);
    const learned = this.known.get(key);
    if (learned !== undefined) return configured !== undefined ? Math.min(configured, learned) : learned;
    if (configured !== undefined) return configured;
    if (ref.provider !== 'compatible' && ref.provider !== 'ollama') return hostedDefault;
    const fallback = ref.provider === 'ollama' ? ollamaDefaultNumCtx : localDefault;
    if (scope !== 'env') return fallback;
    let pending = this.asking.get(key);
    if (!pending) {
      const asked = this.discover(ref, credentials).catch((err: unknown) => {
        this.logger.debug({ err, model: ref.id }, 'context size not discovered');
        // An answer that names no size stands (discover returns undefined); a failure stands only
        // until the server is asked again.
        setTimeout(() => {
          if (this.asking.get(key) === asked) this.asking.delete(key);
        }, this.retryAfterMs).unref();
        return undefined;
      });
      pending = asked;
      this.asking.set(key, pending);
    }
    const told = await pending;
    if (told !== undefined && !this.known.has(key)) this.known.set(key, told);
    return this.known.get(key) ?? fallback;
  }

  /** The server refused a prompt: remember the size it named, or a quarter less than assumed. */
  learn(ref: ModelRef, scope: string, assumed: number, errorMessage: string): number {
    const named = contextSizeInError(errorMessage);
    const size = named && named < assumed ? named : Math.floor(assumed * 0.75);
    this.known.set(scopedKey(scope, ref), size);
    this.logger.warn({ model: ref.id, size }, 'context window smaller than assumed');
    return size;
  }

  private async discover(ref: ModelRef, credentials: ProviderCredentials): Promise<number | undefined> {
    const signal = AbortSignal.timeout(discoveryTimeoutMs);
    if (ref.provider === 'compatible' && credentials.compatible) {
      const c = credentials.compatible;
      const res = await fetch(`${withoutTrailing(c.baseURL, '/')}/models`, {
        signal,
        headers: c.apiKey ? { authorization: `Bearer ${c.apiKey}` } : {},
      });
      if (!res.ok) return answeredWithout(res);
      const body = (await res.json()) as { data?: Array<Record<string, unknown>> };
      const entry = body.data?.find((m) => m.id === ref.model);
      const size = Number(entry?.max_model_len ?? entry?.context_length ?? entry?.max_context_length);
      return Number.isFinite(size) && size > 0 ? size : undefined;
    }
    if (ref.provider === 'ollama' && credentials.ollama) {
      const res = await fetch(`${withoutTrailing(credentials.ollama.baseURL, '/')}/api/show`, {
        method: 'POST',
        signal,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: ref.model }),
      });
      if (!res.ok) return answeredWithout(res);
      const body = (await res.json()) as { parameters?: string; model_info?: Record<string, unknown> };
      // Ollama serves num_ctx tokens (its default unless the model file sets one), at most the model's own.
      const numCtx = Number(
        /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(body.parameters ?? '')?.[1] ?? ollamaDefaultNumCtx,
      );
      const trained = Object.entries(body.model_info ?? {}).find(([k]) => k.endsWith('.context_length'))?.[1];
      return typeof trained === 'number' ? Math.min(trained, numCtx) : numCtx;
    }
    return undefined;
  }
}
