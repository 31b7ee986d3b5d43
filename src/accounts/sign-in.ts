// Password sign-in behind the guessing limits (login-throttle.ts): a locked account/address pair is
// refused before its password is even checked, so the right password during a lock fails too.
// Guesses sent at once all pass that first look before any of them has failed, so the lock is looked
// at again once the password has been checked, before the answer says whether it was right: a guess
// that waited its turn behind the one that set the lock learns nothing either.
import type { Database } from '../db/client.ts';
import { AppError } from '../errors.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { verifyCredentials } from './users.ts';

export class SignInLocked extends AppError {
  constructor(retryAfterSeconds: number) {
    super(
      'rate_limited',
      `Too many failed sign-in attempts: try again in ${retryAfterSeconds} s`,
      undefined,
      {
        retryAfterSeconds,
      },
    );
  }
}

/** The user whose password this is; throws 401 for a wrong one, SignInLocked (429) while locked. */
export async function signInWithPassword(
  deps: { database: Database; signIns: LoginThrottle },
  input: { email: string; password: string; ip: string },
) {
  const refuseWhileLocked = async () => {
    const wait = await deps.signIns.retryAfter(input.email, input.ip);
    if (wait > 0) throw new SignInLocked(wait);
  };
  await refuseWhileLocked();
  // Password checks from one address take turns with everyone else's (passwords.ts).
  const user = await verifyCredentials(deps.database, input.email, input.password, input.ip);
  await refuseWhileLocked();
  if (!user) {
    await deps.signIns.failed(input.email, input.ip);
    throw new AppError('unauthenticated', 'Invalid email or password');
  }
  await deps.signIns.succeeded(input.email, input.ip);
  return user;
}
