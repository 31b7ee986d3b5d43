// Who holds a data directory, as other commands read it from the lock file: the living holder with
// the URL it published, nobody for a file a dead process left, nobody without a file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataDirHolder, lockDataDir } from '../../src/db/data-dir-lock.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const dataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-lock-'));
  dirs.push(dir);
  return dir;
};

describe('dataDirHolder', () => {
  it('names the living holder and the URL it published', () => {
    const dir = dataDir();
    expect(dataDirHolder(dir)).toBeUndefined();
    const lock = lockDataDir(dir, 'serve');
    lock.setUrl('http://127.0.0.1:3000');
    expect(dataDirHolder(dir)).toEqual({ pid: process.pid, command: 'serve', url: 'http://127.0.0.1:3000' });
    lock.release();
    expect(dataDirHolder(dir)).toBeUndefined();
  });

  it('reads a file left by a dead process, or an unreadable one, as nobody', () => {
    const dir = dataDir();
    // Far above any pid this machine hands out.
    writeFileSync(path.join(dir, 'blogsmith.pid'), JSON.stringify({ pid: 2 ** 22 + 7, command: 'serve' }));
    expect(dataDirHolder(dir)).toBeUndefined();
    writeFileSync(path.join(dir, 'blogsmith.pid'), 'not json');
    expect(dataDirHolder(dir)).toBeUndefined();
  });
});
