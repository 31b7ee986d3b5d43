// What a backup without its secret key costs, as `backup` and `restore` say it: the encrypted provider
// keys, and the pending invitation links (their tokens are HMACs under the key), which the warning
// left out.
import { describe, expect, it } from 'vitest';
import { invitationToken } from '../../src/accounts/invitations.ts';
import { lostKeysWarning } from '../../src/cli/commands/backup.ts';

describe('the lost-key warning', () => {
  it('names provider keys and pending invitation links', () => {
    expect(lostKeysWarning).toMatch(/encrypted provider API keys cannot be decrypted/);
    expect(lostKeysWarning).toMatch(/pending invitation links stop working .*invite those people again/);
    // Its premise: the token a link carries depends on the key.
    const id = '00000000-0000-4000-8000-000000000000';
    expect(invitationToken('the-key-of-the-backup', id)).not.toBe(invitationToken('another-key', id));
  });
});
