// Password guessing limits, separate from the general request rate limit (which a guesser could
// spread across addresses). Failures are counted three ways:
//   account + address   after LOGIN_MAX_FAILURES failures that pair is locked for LOGIN_LOCK_SECONDS,
//                       doubling with each further failure (up to an hour);
//   account             10x as many failures from anywhere lock the account for 15 minutes, except
//                       from addresses it signed in from successfully before (its "known" addresses),
//                       so an attacker cannot lock the owner out of their usual place;
//   address             20x as many failures across accounts (spraying one password over many users)
//                       lock the address for 15 minutes, again except for its known accounts.
// A success clears the pair's count and remembers the address for 30 days. Unknown emails are
// counted like real ones, so the answers reveal nothing. Every lock writes an audit entry.
// All locks expire by themselves: none needs an operator, and none lasts forever. A lock is a key
// whose lifetime is the lock's: its time left is the store's (Redis's clock when shared), so
// replicas whose clocks differ agree on it.
import type { CounterStore } from '../cache/counters.ts';
import { sha256 } from './tokens.ts';

export interface LoginThrottleOptions {
  maxFailures: number;
  lockSeconds: number;
  onLock(lock: {
    email: string;
    ip: string;
    scope: LockScope;
    seconds: number;
    failures: number;
  }): Promise<void>;
}

export type LockScope = 'account_address' | 'account' | 'address';

export interface LoginThrottle {
  /** Seconds until a sign-in of `email` from `ip` may be tried again, or 0 when it may now. */
  retryAfter(email: string, ip: string): Promise<number>;
  failed(email: string, ip: string): Promise<void>;
  succeeded(email: string, ip: string): Promise<void>;
}

const hourMs = 3600_000;
const maxPairLockSeconds = 3600;
const wideLockSeconds = 15 * 60;
const knownForMs = 30 * 24 * hourMs;

export function createLoginThrottle(store: CounterStore, opts: LoginThrottleOptions): LoginThrottle {
  // Emails are hashed so the store (possibly a shared Redis) holds no addresses.
  const account = (email: string) => sha256(email.trim().toLowerCase()).slice(0, 32);
  const keys = (email: string, ip: string) => {
    const a = account(email);
    return {
      pairCount: `login:fail:pair:${a}:${ip}`,
      pairLock: `login:lock:pair:${a}:${ip}`,
      accountCount: `login:fail:account:${a}`,
      accountLock: `login:lock:account:${a}`,
      addressCount: `login:fail:address:${ip}`,
      addressLock: `login:lock:address:${ip}`,
      known: `login:known:${a}:${ip}`,
    };
  };
  const remaining = async (key: string) => Math.ceil((await store.remainingMs(key)) / 1000);
  const lock = async (key: string, seconds: number) => store.set(key, '1', seconds * 1000);

  return {
    async retryAfter(email, ip) {
      const k = keys(email, ip);
      const pair = await remaining(k.pairLock);
      if (pair > 0) return pair;
      if ((await store.get(k.known)) !== null) return 0;
      return Math.max(await remaining(k.accountLock), await remaining(k.addressLock));
    },

    async failed(email, ip) {
      const k = keys(email, ip);
      const max = opts.maxFailures;
      const pair = await store.increment(k.pairCount, 24 * hourMs);
      if (pair >= max) {
        const seconds = Math.min(opts.lockSeconds * 2 ** (pair - max), maxPairLockSeconds);
        await lock(k.pairLock, seconds);
        await opts.onLock({ email, ip, scope: 'account_address', seconds, failures: pair });
      }
      const wide: Array<[LockScope, string, string, number]> = [
        ['account', k.accountCount, k.accountLock, max * 10],
        ['address', k.addressCount, k.addressLock, max * 20],
      ];
      for (const [scope, countKey, lockKey, threshold] of wide) {
        const failures = await store.increment(countKey, hourMs);
        // Locked once per threshold crossed, not on every failure after it.
        if (failures % threshold === 0) {
          await lock(lockKey, wideLockSeconds);
          await opts.onLock({ email, ip, scope, seconds: wideLockSeconds, failures });
        }
      }
    },

    async succeeded(email, ip) {
      const k = keys(email, ip);
      await store.delete(k.pairCount, k.pairLock);
      await store.set(k.known, '1', knownForMs);
    },
  };
}
