// One breaker per model (and credential scope): after `threshold` consecutive failures the
// model is skipped for `cooldownMs`; then one trial call is let through (half-open) and its
// result closes or re-opens the breaker.
export type BreakerState = 'closed' | 'open' | 'half-open';

interface Entry {
  failures: number;
  openedAt: number | null;
  trialInFlight: boolean;
}

export class CircuitBreakers {
  private readonly entries = new Map<string, Entry>();
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(opts: { threshold: number; cooldownMs: number; now?: () => number }) {
    this.threshold = opts.threshold;
    this.cooldownMs = opts.cooldownMs;
    this.now = opts.now ?? Date.now;
  }

  state(key: string): BreakerState {
    const e = this.entries.get(key);
    if (!e || e.openedAt === null) return 'closed';
    return this.now() - e.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a call may go to this model now; in half-open state only one trial at a time. */
  tryAcquire(key: string): boolean {
    const state = this.state(key);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const e = this.entries.get(key)!;
    if (e.trialInFlight) return false;
    e.trialInFlight = true;
    return true;
  }

  success(key: string): void {
    this.entries.delete(key);
  }

  failure(key: string): void {
    const e = this.entries.get(key) ?? { failures: 0, openedAt: null, trialInFlight: false };
    e.failures++;
    // A failed trial re-opens at once; otherwise open on reaching the threshold.
    if (e.trialInFlight || e.failures >= this.threshold) e.openedAt = this.now();
    e.trialInFlight = false;
    this.entries.set(key, e);
  }

  /** A call ended without saying anything about the model's health (e.g. caller abort). */
  neutral(key: string): void {
    const e = this.entries.get(key);
    if (e) e.trialInFlight = false;
  }
}
