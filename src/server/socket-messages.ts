// What one user's WebSocket messages may cost. HTTP requests pass the rate limiter; messages on an
// open socket did not, and each subscription looks its article up in the database: one socket
// sending 20,000 made every other request wait up to 8 s. A user's messages, across their sockets
// in this process, draw on one bucket: `burst` at once (a client resubscribing to every article it
// may follow) and `perSecond` after; the socket that sends past it is closed.
import { followLimits } from './follow-quota.ts';

export interface MessageBudget {
  burst: number;
  perSecond: number;
}

export const messageBudget: MessageBudget = { burst: 2 * followLimits.articles, perSecond: 32 };

export interface SocketMessages {
  /** Takes one message of `userId` from its bucket; false once the bucket is empty. */
  take(userId: string, now?: number): boolean;
}

export function socketMessages(budget: MessageBudget = messageBudget): SocketMessages {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(userId, now = performance.now()) {
      const bucket = buckets.get(userId) ?? { tokens: budget.burst, at: now };
      bucket.tokens = Math.min(budget.burst, bucket.tokens + ((now - bucket.at) / 1000) * budget.perSecond);
      bucket.at = now;
      // A full bucket is the default: only users who spent some are remembered.
      if (bucket.tokens >= budget.burst) buckets.delete(userId);
      if (bucket.tokens < 1) {
        buckets.set(userId, bucket);
        return false;
      }
      bucket.tokens -= 1;
      buckets.set(userId, bucket);
      return true;
    },
  };
}
