// Turns a URL into the addresses we may connect to, refusing anything non-public.
// The returned addresses are all the socket may use (pinnedLookup), so a DNS answer that
// changes between this check and the connect (rebinding) cannot matter.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { boundedQueue, QueueFullError } from '../../bounded.ts';
import { type AllowList, addressInAllowList, checkAddress, metadataHostNames } from './address-policy.ts';
import { BlockedUrlError } from './errors.ts';

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Resolves a host name to every address it has; injectable so tests never touch real DNS. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const getaddrinfo: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** The last two labels of a host name: roughly the domain whose name servers answer for it. */
const zoneOf = (hostname: string) => hostname.split('.').slice(-2).join('.');

export const maxWaitingLookups = { perZone: 16, inAll: 256 };

/**
 * `resolve` with at most `atOnce` lookups running; those waiting take turns across zones, at most
 * `maxWaitingLookups` of them. The system's lookup (getaddrinfo) holds one of libuv's four threads
 * — shared with file reads, password hashes and every other lookup — until it answers, and how long
 * that takes is up to the name's own servers, which whoever chose the name may run: a brief of
 * slow names (seconds each, then again on every fetch) had held all four.
 */
export function boundedLookups(resolve: Resolver, atOnce = 2): Resolver {
  const running = boundedQueue(atOnce);
  return (hostname) =>
    running(() => resolve(hostname), {
      key: zoneOf(hostname),
      maxWaitingForKey: maxWaitingLookups.perZone,
      maxWaiting: maxWaitingLookups.inAll,
    });
}

export const systemResolver: Resolver = boundedLookups(getaddrinfo);

// Plain web ports plus the unprivileged range (self-hosted services and test fakes live
// there); privileged ports such as 22, 25 or 6379-likes below 1024 are not HTTP and are refused.
const webPorts = new Set([80, 443]);
const portAllowed = (port: number) => webPorts.has(port) || port >= 1024;

/** `localhost` and its subdomains: loopback by definition (RFC 6761), nothing a lookup could tell. */
export const isLocalhostName = (name: string) => name === 'localhost' || name.endsWith('.localhost');

/** `addresses`: every address the name has, each checked, in the resolver's order. */
export type Target = { url: URL; hostname: string; addresses: ResolvedAddress[] };

export async function resolveTarget(
  raw: string | URL,
  resolver: Resolver,
  allow: AllowList,
): Promise<Target> {
  const text = String(raw);
  let url: URL;
  try {
    // The WHATWG parser canonicalises 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 to 127.0.0.1.
    url = new URL(text);
  } catch {
    throw new BlockedUrlError('invalid_url', text, 'not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new BlockedUrlError('scheme', text, `scheme ${url.protocol} is not allowed (http/https only)`);
  if (url.username || url.password)
    throw new BlockedUrlError('credentials', text, 'URLs with embedded credentials are not allowed');
  const hostname = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (!hostname) throw new BlockedUrlError('invalid_url', text, 'no host');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const hostAllowed = allow.hosts.has(hostname);
  if (!hostAllowed && !portAllowed(port))
    throw new BlockedUrlError('port', text, `port ${port} is not allowed`);
  if (!hostAllowed && metadataHostNames.has(hostname))
    throw new BlockedUrlError('metadata_host', text, `${hostname} is a cloud metadata service`);

  const literal = isIP(hostname);
  let addresses: ResolvedAddress[];
  if (literal) addresses = [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await resolver(hostname);
    } catch (err) {
      throw new BlockedUrlError(
        'unresolvable',
        text,
        err instanceof QueueFullError
          ? `${hostname} could not be looked up now: too many names are waiting to be looked up`
          : `${hostname} does not resolve`,
      );
    }
    if (addresses.length === 0)
      throw new BlockedUrlError('unresolvable', text, `${hostname} does not resolve`);
  }
  // Every answer must pass, not just the first: the OS could otherwise pick a private one.
  for (const a of addresses) {
    if (hostAllowed || addressInAllowList(a.address, allow)) continue;
    const verdict = checkAddress(a.address);
    if (!verdict.allowed)
      throw literal || isLocalhostName(hostname)
        ? new BlockedUrlError(
            'blocked_address',
            text,
            `${hostname} is not a public address (${verdict.range})`,
          )
        : // What a name resolves to is not told (BlockedUrlError.resolvedTo).
          new BlockedUrlError(
            'blocked_address',
            text,
            `${hostname} does not resolve to a public address`,
            `${a.address} (${verdict.range})`,
          );
  }
  return { url, hostname, addresses };
}
