// What the gateway needs from the economics modules (limiter, caches), as interfaces, so the
// call path can be tested with or without them and never imports their storage.
import type { LlmUsage } from './usage.ts';

export interface LlmLimiter {
  acquire(
    key: {
      provider: string;
      model: string;
      /** The credential scope (`env`, or a workspace's own credentials): each has its own budget. */
      scope?: string;
      /** Whose call (its workspace): calls that wait take turns across them. */
      turn?: string;
    },
    estimatedTokens: number,
    signal?: AbortSignal,
  ): Promise<{ waitedMs: number; release(actualTokens: number): void }>;
}

export interface CachedLlmResponse {
  text: string;
  object?: unknown;
  /** The structured-output rung of an object answer. */
  rung?: string;
  usage: LlmUsage;
  model: string;
  provider: string;
}

export interface ResponseCache {
  get(key: string): Promise<CachedLlmResponse | null>;
  set(key: string, value: CachedLlmResponse, ttlSeconds: number): Promise<void>;
}

/** Vectors by `namespace` (the model, for one workspace under its credentials) and text. */
export interface EmbeddingCache {
  getMany(namespace: string, texts: string[]): Promise<(number[] | null)[]>;
  setMany(namespace: string, texts: string[], vectors: number[][]): Promise<void>;
}
