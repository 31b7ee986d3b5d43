// A cap on in-flight model calls per provider, in front of the rate limiter. A local server on a
// CPU (Ollama: 5–20 tokens/s) serves one or two generations at a time; more parallel calls only
// queue inside the server, where they hit the silence timeout, or split its throughput so every
// section crawls. Waiting here instead keeps each admitted call at full speed and starts its
// timeout only once it is sent. The slot is held until the call ends (a stream: until its last
// chunk or its cancellation), since that is when the server is free again. The cap is per process:
// a local model server is normally used by one Blogsmith process. A workspace's own server (its own
// base URL) has its own slots, and calls waiting for a slot take turns across workspaces.
import { Turns } from '../turns.ts';
import type { LlmLimiter } from './ports.ts';
import { type ProviderName, providerNames } from './provider-names.ts';

export type ProviderConcurrency = Partial<Record<ProviderName, number>>;

/** Ollama runs one generation at a time unless OLLAMA_NUM_PARALLEL says otherwise. */
export const defaultProviderConcurrency: ProviderConcurrency = { ollama: 1 };

/** "ollama=2,compatible=4" → { ollama: 2, compatible: 4 }; 0 means unlimited. Throws on bad input. */
export function parseProviderConcurrency(value: string): ProviderConcurrency {
  const limits: ProviderConcurrency = { ...defaultProviderConcurrency };
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+)\s*=\s*(\d{1,4})$/.exec(part);
    if (!m || !(providerNames as readonly string[]).includes(m[1]!))
      throw new Error(`"${part}" is not provider=count with a provider among ${providerNames.join(', ')}`);
    limits[m[1] as ProviderName] = Number(m[2]);
  }
  return limits;
}

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
}

class Slots {
  private busy = 0;
  private readonly queue = new Turns<Waiter>();
  private readonly limit: number;
  private readonly onIdle: () => void;
  constructor(limit: number, onIdle: () => void) {
    this.limit = limit;
    this.onIdle = onIdle;
  }

  async take(turn: string, signal?: AbortSignal): Promise<void> {
    if (this.busy < this.limit) {
      this.busy++;
      return;
    }
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        this.queue.remove(turn, waiter);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(turn, waiter);
    });
  }

  give(): void {
    const next = this.queue.shift();
    // The slot passes straight to the next waiter: `busy` stays, nobody can jump the queue.
    if (next) next.resolve();
    else if (--this.busy === 0) this.onIdle();
  }

  get inFlight() {
    return this.busy;
  }
  get waiting() {
    return this.queue.size;
  }
}

export interface ConcurrencyLimiter extends LlmLimiter {
  /** In-flight and queued calls of a provider (for tests and metrics). */
  load(provider: string): { inFlight: number; waiting: number };
}

/** `inner` (the rate limiter, if any) behind a per-provider cap on calls in flight. */
export function withProviderConcurrency(
  inner: LlmLimiter | undefined,
  limits: ProviderConcurrency,
): ConcurrencyLimiter {
  // Slots in use, per provider and credential scope (`env`'s under the provider's name); idle ones
  // are dropped, since a workspace's own servers add scopes.
  const slots = new Map<string, Slots>();
  const slotsOf = (provider: string, scope: string | undefined) => {
    const limit = limits[provider as ProviderName] ?? 0;
    if (limit <= 0) return undefined;
    const key = !scope || scope === 'env' ? provider : `${scope}\u0000${provider}`;
    let s = slots.get(key);
    if (!s) {
      const created = new Slots(limit, () => {
        if (slots.get(key) === created) slots.delete(key);
      });
      slots.set(key, created);
      s = created;
    }
    return s;
  };
  return {
    acquire(key, estimatedTokens, signal) {
      const s = slotsOf(key.provider, key.scope);
      // No cap for this provider (every hosted one by default): the rate limiter's lease as it is.
      if (!s) return inner ? inner.acquire(key, estimatedTokens, signal) : Promise.resolve(uncapped);
      return acquireSlot(s, key, estimatedTokens, signal);
    },
    load(provider) {
      const s = slots.get(provider);
      return { inFlight: s?.inFlight ?? 0, waiting: s?.waiting ?? 0 };
    },
  };

  async function acquireSlot(
    s: Slots,
    key: Parameters<LlmLimiter['acquire']>[0],
    estimatedTokens: number,
    signal: AbortSignal | undefined,
  ): ReturnType<LlmLimiter['acquire']> {
    const started = performance.now();
    await s.take(key.turn ?? '', signal);
    const waitedForSlot = performance.now() - started;
    let lease: Awaited<ReturnType<LlmLimiter['acquire']>> | undefined;
    try {
      lease = await inner?.acquire(key, estimatedTokens, signal);
    } catch (err) {
      s.give();
      throw err;
    }
    let released = false;
    return {
      waitedMs: waitedForSlot + (lease?.waitedMs ?? 0),
      release(actualTokens) {
        if (released) return;
        released = true;
        lease?.release(actualTokens);
        s.give();
      },
    };
  }
}

const uncapped = { waitedMs: 0, release() {} };
