// The part of the address policy that can be judged without DNS: scheme, host, credentials,
// port, metadata names, and literal addresses (plus `localhost`). Used when a URL is stored (a
// clear 400 at once); it never replaces the per-connection check, which sees what a name
// resolves to at the moment of use (DNS rebinding).
import { parseAllowList } from './address-policy.ts';
import { BlockedUrlError } from './errors.ts';
import { isLocalhostName, type Resolver, resolveTarget } from './resolve-target.ts';

// `localhost` is loopback by definition (RFC 6761); other names are left to connection time.
const literalOnly: Resolver = async (hostname) => {
  if (isLocalhostName(hostname)) return [{ address: '127.0.0.1', family: 4 }];
  throw new Error('not resolved at storage time');
};

/** Why `url` can never be fetched under the policy, or undefined when it may be (DNS permitting). */
export async function precheckUrl(url: string, allowHosts: readonly string[]): Promise<string | undefined> {
  try {
    await resolveTarget(url, literalOnly, parseAllowList(allowHosts));
    return undefined;
  } catch (err) {
    if (err instanceof BlockedUrlError) return err.reason === 'unresolvable' ? undefined : err.message;
    throw err;
  }
}
