// Long-lived connections (the article WebSocket, SSE streams) were authenticated once, at the start.
// This keeps checking that credential while they stay open: at once when a revocation is announced
// for it (logout, key revoked, role changed or member removed, in any process — revocations.ts), and
// every few seconds as a backstop (an expired key or session, a workspace switch). When it no longer
// holds, the connection is told why and closed.
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../accounts/context.ts';
import type { Revocation } from '../accounts/revocations.ts';
import type { Scope } from '../accounts/roles.ts';
import { resolveCredential } from './auth.ts';

/** WebSocket close codes, mirroring HTTP 401 and 403 in the 4000 range kept for applications. */
export const closeCodes = { unauthenticated: 4401, forbidden: 4403 } as const;

export interface CredentialLost {
  code: keyof typeof closeCodes;
  reason: string;
}

const recheckEveryMs = 5_000;

function concerns(revocation: Revocation, auth: AuthContext) {
  switch (revocation.kind) {
    case 'api_key':
      return revocation.id === auth.apiKeyId;
    case 'session':
      return revocation.id === auth.sessionId;
    case 'member':
      return revocation.userId === auth.userId && revocation.workspaceId === auth.workspaceId;
  }
}

/**
 * Calls `onLost` (once) when the request's credential stops standing for its caller or loses
 * `scope`; `current()` is the caller as last verified. Call `stop()` when the connection closes.
 */
export function watchCredential(
  request: FastifyRequest,
  scope: Scope,
  onLost: (lost: CredentialLost) => void,
): { current(): AuthContext; stop(): void } {
  const runtime = request.server.runtime;
  const credential = request.credential;
  let auth = request.auth!;
  let done = false;
  let checking = false;

  const lose = (lost: CredentialLost) => {
    if (done) return;
    stop();
    onLost(lost);
  };

  const recheck = async () => {
    if (done || checking || !credential) return;
    checking = true;
    try {
      const now = await resolveCredential(runtime, credential, { fresh: true });
      if (!now)
        return lose({
          code: 'unauthenticated',
          reason: 'Signed out, or the credential was revoked or expired',
        });
      if (now.workspaceId !== auth.workspaceId || now.userId !== auth.userId) {
        return lose({ code: 'forbidden', reason: 'The session moved to another workspace' });
      }
      if (now.via === 'api_key' && !now.scopes.includes(scope)) {
        return lose({ code: 'forbidden', reason: `The credential no longer holds the ${scope} scope` });
      }
      auth = now;
    } catch (err) {
      // The database being briefly away is no reason to drop a client; the next check decides.
      request.log.debug({ err }, 'credential re-check failed');
    } finally {
      checking = false;
    }
  };

  const unsubscribe = runtime.revocations.subscribe((revocation) => {
    if (concerns(revocation, auth)) void recheck();
  });
  const timer = setInterval(() => void recheck(), recheckEveryMs);
  timer.unref();

  function stop() {
    done = true;
    unsubscribe();
    clearInterval(timer);
  }

  return { current: () => auth, stop };
}
