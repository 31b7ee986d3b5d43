// scrypt from node:crypto: memory-hard, no native dependency. The parameters travel inside the
// hash string, so they can be raised later without invalidating stored hashes.
//
// Each hash takes a core and 128 MiB for a few hundred ms on one of libuv's threads (4 by default,
// shared with DNS lookups and file reads), and anyone may ask for one: a sign-in with a correct
// password is no failure the guessing limits count, so one address signing in 600 times a minute
// (the general rate limit) kept both cores and the pool busy. At most half the cores (1–2) hash at
// once; the hashes waiting take turns across who asks for them (a client address), at most 4 of one
// asker's and 64 in all; past that the request is refused with Retry-After.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { boundedQueue, QueueFullError, refusalOf } from '../bounded.ts';

// OWASP's current scrypt recommendation (N=2^17, r=8, p=1): 128 MiB and a few hundred ms per hash.
// Older hashes (N=2^14) still verify and are replaced on the next successful sign-in.
export const scryptParams = { N: 2 ** 17, r: 8, p: 1 } as const;
const keyLength = 32;
// Refused when reading a stored hash: parameters this large can only be corruption or tampering,
// and would let one verification exhaust the machine.
const maxN = 2 ** 20;

export const hashesAtOnce = Math.min(2, Math.max(1, Math.floor(availableParallelism() / 2)));
const hashing = boundedQueue(hashesAtOnce);
export const maxWaitingHashes = { perAsker: 4, inAll: 64 };

/** Who asks for a hash (a client address, or a name for the operator's own tools); '' for anyone. */
export type HashAsker = string;

// A hash takes well under a second: a few seconds is time enough for those ahead.
const busy = (err: QueueFullError) =>
  refusalOf(
    err,
    {
      key: 'Too many password checks from this client are already waiting: try again in a few seconds',
      all: 'Too many password checks are already waiting: try again in a few seconds',
    },
    5,
  );

async function derive(
  password: string,
  salt: Buffer,
  n: number,
  rr: number,
  pp: number,
  asker: HashAsker,
): Promise<Buffer> {
  // scrypt needs 128·N·r·p bytes; Node's default cap (32 MiB) is below that for N=2^17.
  const maxmem = 2 * 128 * n * rr * pp;
  try {
    return await hashing(
      () =>
        new Promise<Buffer>((resolve, reject) =>
          scrypt(password, salt, keyLength, { N: n, r: rr, p: pp, maxmem }, (err, key) =>
            err ? reject(err) : resolve(key),
          ),
        ),
      { key: asker, maxWaitingForKey: maxWaitingHashes.perAsker, maxWaiting: maxWaitingHashes.inAll },
    );
  } catch (err) {
    throw err instanceof QueueFullError ? busy(err) : err;
  }
}

// The same password typed on another keyboard or system can arrive in another Unicode form ("ä" as
// one character or as "a" and a combining mark; macOS sends the latter): it is hashed in NFKC
// (NIST SP 800-63B), and such hashes end in `$nfkc`. Hashes made before that are of the password as
// sent, verified so, and made again in NFKC on the next sign-in (`needsRehash`).
const normalisedMark = 'nfkc';

export async function hashPassword(password: string, asker: HashAsker = ''): Promise<string> {
  const { N, r, p } = scryptParams;
  const salt = randomBytes(16);
  const key = await derive(password.normalize('NFKC'), salt, N, r, p, asker);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}$${normalisedMark}`;
}

function parse(stored: string) {
  const [algo, n, rr, pp, salt, key, mark] = stored.split('$');
  if (algo !== 'scrypt' || !n || !rr || !pp || !salt || !key) return undefined;
  if (mark !== undefined && mark !== normalisedMark) return undefined;
  const params = { N: Number(n), r: Number(rr), p: Number(pp), normalised: mark === normalisedMark };
  const sane =
    Number.isInteger(params.N) &&
    params.N > 1 &&
    params.N <= maxN &&
    (params.N & (params.N - 1)) === 0 &&
    Number.isInteger(params.r) &&
    params.r >= 1 &&
    params.r <= 32 &&
    Number.isInteger(params.p) &&
    params.p >= 1 &&
    params.p <= 16;
  return sane ? { ...params, salt, key } : undefined;
}

export async function verifyPassword(
  password: string,
  stored: string,
  asker: HashAsker = '',
): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const expected = Buffer.from(parsed.key, 'base64url');
  const actual = await derive(
    parsed.normalised ? password.normalize('NFKC') : password,
    Buffer.from(parsed.salt, 'base64url'),
    parsed.N,
    parsed.r,
    parsed.p,
    asker,
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Whether checking a stored hash costs less than making one today (older, cheaper parameters). */
export function cheaperThanToday(stored: string): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.N < scryptParams.N || parsed.r < scryptParams.r || parsed.p < scryptParams.p;
}

/** Whether a stored hash is weaker than today's or of the password unnormalised (re-hash it after a successful check). */
export function needsRehash(stored: string): boolean {
  return cheaperThanToday(stored) || !parse(stored)?.normalised;
}

/** Spent on unknown emails so that login timing does not reveal which accounts exist. */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string, asker: HashAsker = '') {
  dummyHash ??= hashPassword('not-a-real-password');
  await verifyPassword(password, await dummyHash, asker);
}
