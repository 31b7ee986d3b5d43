// The data directory made level by level: nested folders with their mode, and on a filesystem that
// refuses every mkdir with ENOENT (/proc) an error at once — Node's recursive mkdir spun there.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirectory } from '../../src/db/make-directory.ts';

const root = mkdtempSync(path.join(tmpdir(), 'blogsmith-mkdir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('makeDirectory', () => {
  it('makes the missing levels with the mode given, and leaves an existing folder alone', () => {
    const dir = path.join(root, 'a', 'b', 'c');
    makeDirectory(dir, 0o700);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(path.join(root, 'a')).mode & 0o777).toBe(0o700);
    expect(() => makeDirectory(dir)).not.toThrow();
  });

  it('refuses a folder under /proc with the reason, not a spin', () => {
    expect(() => makeDirectory('/proc/blogsmith-data/pg')).toThrow(
      /The folder \/proc\/blogsmith-data\/pg cannot be created: ENOENT/,
    );
  });
});
