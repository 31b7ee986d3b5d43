// API keys look like `bsk_<8-char prefix>_<secret>`. The prefix finds the row through a unique
// index; only the sha256 of the whole key is stored and compared in constant time. The statements
// are in api-key-store.ts.
import { timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/client.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import {
  insertApiKey,
  markRevoked,
  maxApiKeysPerMember,
  touchLastUsed,
  unrevokedKeyHolder,
  usableKeyByPrefix,
} from './api-key-store.ts';
import type { AuthContext } from './context.ts';
import { membershipOf } from './member-store.ts';
import type { RevocationBus } from './revocations.ts';
import { atLeast, type Role, type Scope, scopesForRole } from './roles.ts';
import { randomToken, sha256 } from './tokens.ts';

export { listApiKeys } from './api-key-store.ts';

const keyPattern = /^bsk_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{20,})$/;
const alphanumeric = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function newPrefix() {
  return Array.from(randomToken(16))
    .map((c) => alphanumeric[c.charCodeAt(0) % alphanumeric.length])
    .join('')
    .slice(0, 8);
}

export interface NewApiKey {
  workspaceId: string;
  userId: string;
  name: string;
  scopes?: string[];
  expiresAt?: Date;
  /**
   * The scopes of the credential creating the key; the new key gets none its creator lacks.
   * Absent for the operator's CLI (the member's role alone decides).
   */
  creatorScopes?: readonly string[];
  /**
   * The API key creating it, when a key does: the new key expires no later than it, and is revoked
   * with it (a key could otherwise mint itself a successor that outlives its revocation).
   */
  creatorKey?: { id: string; expiresAt: Date | null };
}

export async function createApiKey(database: Database, input: NewApiKey) {
  const member = await membershipOf(database, input.userId, input.workspaceId);
  if (!member) throw new AppError('forbidden', 'The user is not a member of this workspace');
  const byRole = scopesForRole(member.role as Role);
  const allowed = input.creatorScopes ? byRole.filter((s) => input.creatorScopes!.includes(s)) : byRole;
  const requested = input.scopes?.length ? input.scopes : allowed;
  const denied = requested.filter((s) => !(allowed as string[]).includes(s));
  if (denied.length > 0) {
    const holder = input.creatorScopes ? 'the API key creating it' : `a ${member.role}`;
    throw new AppError('forbidden', `Scopes not allowed for ${holder}: ${denied.join(', ')}`);
  }
  const parentExpiry = input.creatorKey?.expiresAt ?? null;
  if (parentExpiry && input.expiresAt && input.expiresAt > parentExpiry)
    throw new AppError(
      'forbidden',
      `A key made by an API key expires no later than it (${parentExpiry.toISOString()})`,
      [{ path: 'expiresAt', message: `must be at most ${parentExpiry.toISOString()}` }],
    );
  const prefix = newPrefix();
  const key = `bsk_${prefix}_${randomToken(24)}`;
  const apiKey = await insertApiKey(database, {
    workspaceId: input.workspaceId,
    userId: input.userId,
    name: input.name,
    prefix,
    hash: sha256(key),
    scopes: [...new Set(requested)],
    expiresAt: input.expiresAt ?? parentExpiry,
    parentKeyId: input.creatorKey?.id ?? null,
  });
  if (apiKey === 'revoked') throw new AppError('unauthenticated', 'Invalid, revoked or expired API key');
  if (apiKey === 'full')
    throw new AppError(
      'conflict',
      `A member holds at most ${maxApiKeysPerMember} usable API keys in a workspace: revoke one first`,
    );
  return { key, apiKey };
}

/**
 * Members revoke their own keys; admins and owners anyone's, except that only an owner touches a key
 * held by an owner. A key of someone else the caller may not manage is forbidden (403), not hidden:
 * the list already shows every key of the workspace.
 */
export async function revokeApiKey(
  database: Database,
  revocations: RevocationBus,
  ctx: AuthContext,
  id: string,
) {
  const key = await unrevokedKeyHolder(database, ctx, id);
  if (!key) throw notFound('API key');
  if (key.userId !== ctx.userId) {
    if (!atLeast(ctx.role, 'admin')) throw forbidden("Only admins and owners manage other members' keys");
    if (key.holderRole === 'owner' && ctx.role !== 'owner')
      throw forbidden("Only an owner manages an owner's keys");
  }
  // An owner's key only by an owner (or its holder), also when its holder became one meanwhile.
  const revoked = await markRevoked(database, ctx, id, {
    ownersKeys: ctx.role === 'owner' || key.userId === ctx.userId,
  });
  const row = revoked.find((r) => r.id === id);
  if (!row) {
    if ((await unrevokedKeyHolder(database, ctx, id))?.holderRole === 'owner')
      throw forbidden("Only an owner manages an owner's keys");
    throw notFound('API key');
  }
  // The keys it made (and theirs) went with it.
  for (const r of revoked) await revocations.publish({ kind: 'api_key', id: r.id });
  return row;
}

// Verified keys are remembered briefly so a busy client costs one query per request, not two.
// A revocation (the key, or its holder's membership changing) evicts at once in every process
// (revocations.ts); the short lifetime only bounds how long an unannounced change can go unseen.
// A lookup that read the row before a revocation and would store it after the announcement evicted
// it would bring the old row back: so each announcement counts, and a lookup during which one was
// heard looks again and stores nothing (as sessions, which read the role on every request).
const verifiedTtlMs = 10_000;
const verifiedMax = 10_000;
type VerifiedKey = NonNullable<Awaited<ReturnType<typeof lookupApiKey>>>;

export interface ApiKeyVerifier {
  /** The key's row, or null when unknown, revoked or expired. `fresh` skips the cache. */
  verify(presented: string, opts?: { fresh?: boolean }): Promise<VerifiedKey | null>;
  close(): void;
}

export function createApiKeyVerifier(database: Database, revocations: RevocationBus): ApiKeyVerifier {
  const verified = new Map<string, { row: VerifiedKey; until: number }>();
  let announcements = 0;
  const forget = (touched: (row: VerifiedKey) => boolean) => {
    announcements++;
    for (const [hash, entry] of verified) if (touched(entry.row)) verified.delete(hash);
  };
  const stop = revocations.subscribe((r) => {
    if (r.kind === 'api_key') forget((row) => row.id === r.id);
    else if (r.kind === 'member')
      forget((row) => row.userId === r.userId && row.workspaceId === r.workspaceId);
  });
  /** The key's row read after every announcement heard before it returns; stored when none came. */
  const lookUp = async (presented: string, hash: string) => {
    const heard = announcements;
    const row = await lookupApiKey(database, presented, hash);
    if (announcements === heard) return { row, stable: true };
    // Read again once: that read follows the announcement. Another one meanwhile is about a change
    // that this request overlaps, so the row answers it but is not stored.
    const again = announcements;
    const reread = await lookupApiKey(database, presented, hash);
    return { row: reread, stable: announcements === again };
  };
  return {
    async verify(presented, opts = {}) {
      const hash = sha256(presented);
      const cached = verified.get(hash);
      if (
        !opts.fresh &&
        cached &&
        cached.until > Date.now() &&
        (!cached.row.expiresAt || cached.row.expiresAt > new Date())
      ) {
        return cached.row;
      }
      verified.delete(hash);
      const { row, stable } = await lookUp(presented, hash);
      if (!row) return null;
      if (!stable) return row;
      if (verified.size >= verifiedMax) verified.clear();
      verified.set(hash, { row, until: Date.now() + verifiedTtlMs });
      return row;
    },
    close() {
      stop();
      verified.clear();
    },
  };
}

// last_used_at is informational: writing it at most once a minute keeps auth off the write path.
const lastUsedGranularityMs = 60_000;

async function lookupApiKey(database: Database, presented: string, hash: string) {
  const match = keyPattern.exec(presented);
  if (!match) return null;
  const row = await usableKeyByPrefix(database, match[1]!);
  if (!row) return null;
  const expected = Buffer.from(row.hash, 'hex');
  const actual = Buffer.from(hash, 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > lastUsedGranularityMs) {
    await touchLastUsed(database, row.id);
  }
  return row;
}

/** A key keeps only the scopes its creator's current role still allows. */
export function effectiveScopes(keyScopes: string[], role: Role): Scope[] {
  const allowed = scopesForRole(role);
  return allowed.filter((s) => keyScopes.includes(s));
}
