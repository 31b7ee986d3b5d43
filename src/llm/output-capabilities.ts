// Which structured-output rung each model answers on, learned once and remembered: in memory for
// this process and, when a store is given (the cache key/value store), across processes and
// restarts. Keyed by the server and model, not the workspace: the same server behaves the same.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { type OutputRung, outputRungs } from './structured-output.ts';
import type { ModelRef } from './types.ts';

export interface RungStore {
  getMany(keys: string[]): Promise<(unknown | null)[]>;
  setMany(entries: Array<[string, unknown]>, ttlSeconds: number): Promise<void>;
}

// Long enough not to rediscover, short enough that a server upgrade is noticed within weeks.
const rememberSeconds = 30 * 24 * 3600;

export class OutputCapabilities {
  private readonly known = new Map<string, OutputRung>();
  private readonly loading = new Map<string, Promise<OutputRung>>();

  private readonly pending = new Set<Promise<void>>();
  private readonly logger: Logger;
  private readonly store: RungStore | undefined;

  constructor(logger: Logger, store?: RungStore) {
    this.logger = logger;
    this.store = store;
  }

  /** `server` is the provider's base URL (or '' for the provider's own API). */
  key(ref: ModelRef, server = ''): string {
    const where = server ? createHash('sha256').update(server).digest('base64url').slice(0, 16) : 'default';
    return `llm:output-rung:${where}:${ref.id}`;
  }

  async rung(key: string): Promise<OutputRung> {
    const known = this.known.get(key);
    if (known) return known;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(key).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async load(key: string): Promise<OutputRung> {
    let stored: unknown = null;
    try {
      [stored] = (await this.store?.getMany([key])) ?? [null];
    } catch (err) {
      this.logger.warn({ err }, 'structured-output capability read failed');
    }
    const rung = outputRungs.includes(stored as OutputRung) ? (stored as OutputRung) : 'json_schema';
    // A demotion learned while the store was read wins over what the store said.
    if (!this.known.has(key)) this.known.set(key, rung);
    return this.known.get(key)!;
  }

  remember(key: string, rung: OutputRung): void {
    this.known.set(key, rung);
    if (!this.store) return;
    const write: Promise<void> = this.store
      .setMany([[key, rung]], rememberSeconds)
      .catch((err) => this.logger.warn({ err }, 'structured-output capability write failed'))
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Waits for pending writes to the store. */
  async flush(): Promise<void> {
    await Promise.all(this.pending);
  }
}
