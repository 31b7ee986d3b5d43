// Which network addresses a server-side fetch may reach. Anything that is not plain public
// unicast is refused; IPv6 forms that embed an IPv4 address are judged by that address.
import ipaddr from 'ipaddr.js';

export type AddressVerdict = { allowed: true } | { allowed: false; range: string };

// Only these ranges are the open internet; everything ipaddr.js names otherwise (private,
// loopback, linkLocal, carrierGradeNat, reserved, multicast, 6to4, teredo, ...) is refused.
const publicRanges = new Set(['unicast']);

/** Host names that point at cloud metadata services whatever they resolve to. */
export const metadataHostNames = new Set(['metadata.google.internal', 'metadata', 'instance-data']);

function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = v6.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') {
    const b = v6.toByteArray();
    return new ipaddr.IPv4(b.slice(12, 16));
  }
  // IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks).
  const parts = v6.parts;
  if (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || (parts[7] ?? 0) > 1)) {
    const b = v6.toByteArray();
    return new ipaddr.IPv4(b.slice(12, 16));
  }
  return undefined;
}

/** Judges one literal address (no brackets, no zone). */
export function checkAddress(address: string): AddressVerdict {
  if (!ipaddr.isValid(address)) return { allowed: false, range: 'invalid' };
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    const inner = embeddedIPv4(v6);
    if (inner) {
      const verdict = checkAddress(inner.toString());
      return verdict.allowed ? verdict : { allowed: false, range: `${v6.range()}:${verdict.range}` };
    }
  }
  const range = parsed.range();
  return publicRanges.has(range) ? { allowed: true } : { allowed: false, range };
}

export type AllowList = { hosts: Set<string>; cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][] };

/** Parses FETCH_ALLOW_HOSTS-style entries: host names or CIDRs (a bare address counts as /32 or /128). */
export function parseAllowList(entries: readonly string[]): AllowList {
  const list: AllowList = { hosts: new Set(), cidrs: [] };
  for (const raw of entries) {
    const entry = raw
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, '');
    if (!entry) continue;
    if (entry.includes('/') && ipaddr.isValidCIDR(entry)) list.cidrs.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) {
      const addr = ipaddr.parse(entry);
      list.cidrs.push([addr, addr.kind() === 'ipv4' ? 32 : 128]);
    } else list.hosts.add(entry.replace(/\.$/, ''));
  }
  return list;
}

export function addressInAllowList(address: string, list: AllowList): boolean {
  if (!ipaddr.isValid(address)) return false;
  let addr = ipaddr.parse(address);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  return list.cidrs.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}
