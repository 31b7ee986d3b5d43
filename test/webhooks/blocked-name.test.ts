// The SSRF guard's refusal of a name tells the member that the name is not public, never what it
// resolves to (any workspace admin could map the server's internal names with it); a literal
// address the member typed may be called private.
import { describe, expect, it } from 'vitest';
import { parseAllowList } from '../../src/security/ssrf/address-policy.ts';
import { BlockedUrlError } from '../../src/security/ssrf/errors.ts';
import { resolveTarget } from '../../src/security/ssrf/resolve-target.ts';

const refusal = async (url: string) => {
  const err = await resolveTarget(
    url,
    async () => [{ address: '10.1.2.3', family: 4 }],
    parseAllowList([]),
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BlockedUrlError);
  return err as BlockedUrlError;
};

describe('a refused address', () => {
  it("of a name: the member's message does not say what it resolves to", async () => {
    const err = await refusal('http://vm:8080/x');
    expect(err.message).toBe('URL blocked: vm does not resolve to a public address');
    expect(JSON.stringify({ message: err.message, details: err.details })).not.toContain('10.1.2.3');
    expect(err.resolvedTo).toBe('10.1.2.3 (private)');
  });

  it('of a literal address: the member is told it is private', async () => {
    const err = await refusal('http://127.0.0.1:8080/x');
    expect(err.message).toMatch(/127\.0\.0\.1 is not a public address \(loopback\)/);
  });
});
