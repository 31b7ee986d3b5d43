// What running LLM calls hold on their workspace's budget (budget.ts): each allowed call holds what
// it may cost until it ends. Without Redis this process's memory, so other processes see a call only
// once its ledger row lands (N worker processes could each spend the budget at once); with Redis one
// sorted set per workspace that every process judges and holds in, a Lua script on Redis's clock.
// A hold there is leased: renewed while its call runs, so a crashed process's holds lapse within
// `leaseMs` — a lease, not the LLM time-out, because a stream runs as long as chunks keep coming and
// a call walks retries and fallbacks. Redis failing must not stop calls: that check is then judged
// and held in this process's memory (as the limiter does), and such holds count in later checks.
import { randomUUID } from 'node:crypto';
import type { Redis } from '../cache/redis.ts';

export interface BudgetHolds {
  /**
   * Holds `usd` for a call of the workspace unless `spentUsd` and what running calls hold already
   * reach `budgetUsd` (the call that crosses the budget goes through, the ones after it do not).
   * Answers what running calls held before this one.
   */
  take(
    workspaceId: string,
    usd: number,
    spentUsd: number,
    budgetUsd: number,
  ): Promise<{ allowed: boolean; heldUsd: number }>;
  /** A call that `take` let hold `usd` ended. */
  release(workspaceId: string, usd: number): void;
}

/** This process's holds; judged and held in one synchronous step, so calls checked together see each other. */
export function memoryHolds(): BudgetHolds & { heldUsd(workspaceId: string): number } {
  const held = new Map<string, number>();
  const heldUsd = (workspaceId: string) => held.get(workspaceId) ?? 0;
  return {
    heldUsd,
    async take(workspaceId, usd, spentUsd, budgetUsd) {
      const before = heldUsd(workspaceId);
      if (spentUsd + before >= budgetUsd) return { allowed: false, heldUsd: before };
      if (usd > 0) held.set(workspaceId, before + usd);
      return { allowed: true, heldUsd: before };
    },
    release(workspaceId, usd) {
      if (!(usd > 0)) return;
      const rest = heldUsd(workspaceId) - usd;
      // Sums of floats: what is left of the last call's hold is rounding, not a running call.
      if (rest > 1e-9) held.set(workspaceId, rest);
      else held.delete(workspaceId);
    },
  };
}

// KEYS[1] sorted set: member `<process>:<n>:<usd>`, score = when the hold lapses (ms, Redis clock).
// ARGV: usd, spentUsd (this process's count, and its own holds kept in memory), budgetUsd, leaseMs,
// member. Returns {1 allowed | 0 refused, what the others held (a string: Lua numbers become integers)}.
const takeScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  held = held + (tonumber(string.match(m, ':([^:]*)$')) or 0)
end
if tonumber(ARGV[2]) + held >= tonumber(ARGV[3]) then return {0, tostring(held)} end
if tonumber(ARGV[1]) > 0 then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[5])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return {1, tostring(held)}
`;

// KEYS[1] as above; ARGV: leaseMs, then the members this process still holds. Lapsed ones stay lapsed.
const renewScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[i]) end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], lease) end
return 0
`;

export interface RedisHoldsOptions {
  /** How long a hold outlives its process's last renewal (renewed every third of it). */
  leaseMs?: number;
  keyPrefix?: string;
}

export function redisHolds(redis: Redis, opts: RedisHoldsOptions = {}): BudgetHolds {
  const leaseMs = opts.leaseMs ?? 60_000;
  const prefix = opts.keyPrefix ?? 'llm:budget:held:';
  const owner = randomUUID();
  let lastId = 0;
  // This process's holds in Redis per workspace, oldest first. Holds of one amount are alike, so
  // release(workspace, usd) gives back the oldest of that amount.
  const mine = new Map<string, Array<{ member: string; usd: number }>>();
  // Holds taken while Redis failed: judged and given back here.
  const local = memoryHolds();
  let renewing: NodeJS.Timeout | undefined;

  const renew = () => {
    for (const [workspaceId, holds] of mine) {
      const members = holds.map((h) => h.member);
      redis.eval(renewScript, 1, prefix + workspaceId, leaseMs, ...members).catch(() => {});
    }
  };
  const watch = () => {
    if (mine.size > 0 && !renewing) {
      renewing = setInterval(renew, Math.max(1, Math.floor(leaseMs / 3)));
      renewing.unref();
    } else if (mine.size === 0 && renewing) {
      clearInterval(renewing);
      renewing = undefined;
    }
  };

  return {
    async take(workspaceId, usd, spentUsd, budgetUsd) {
      const member = `${owner}:${++lastId}:${usd}`;
      const ownLocal = local.heldUsd(workspaceId);
      let answer: [number, string];
      try {
        answer = (await redis.eval(
          takeScript,
          1,
          prefix + workspaceId,
          usd,
          spentUsd + ownLocal,
          budgetUsd,
          leaseMs,
          member,
        )) as [number, string];
      } catch {
        return local.take(workspaceId, usd, spentUsd, budgetUsd);
      }
      const heldUsd = Number(answer[1]) + ownLocal;
      if (Number(answer[0]) !== 1) return { allowed: false, heldUsd };
      if (usd > 0) {
        const holds = mine.get(workspaceId) ?? [];
        holds.push({ member, usd });
        mine.set(workspaceId, holds);
        watch();
      }
      return { allowed: true, heldUsd };
    },
    release(workspaceId, usd) {
      if (!(usd > 0)) return;
      const holds = mine.get(workspaceId);
      const at = holds?.findIndex((h) => h.usd === usd) ?? -1;
      if (!holds || at < 0) return local.release(workspaceId, usd);
      const [hold] = holds.splice(at, 1);
      if (holds.length === 0) mine.delete(workspaceId);
      watch();
      // Not given back (Redis failing): it lapses with its lease.
      redis.zrem(prefix + workspaceId, hold!.member).catch(() => {});
    },
  };
}
