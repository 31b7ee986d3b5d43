// Who holds a data directory, as other commands read it from the lock file: the living holder with
// the URL it published, nobody for a file a dead process left, nobody without a file; and processes
// starting at the same moment, one of which gets it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirBusyError, dataDirHolder, lockDataDir } from '../../src/db/data-dir-lock.ts';

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

// Each child loads the lock, waits for the word, then tries it and holds it a while.
const contender = `
const { lockDataDir } = await import(process.env.LOCK_MODULE);
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  try {
    const lock = lockDataDir(process.env.DATA_DIR, 'serve');
    process.stdout.write('held\\n');
    setTimeout(() => { lock.release(); process.exit(0); }, 300);
  } catch (err) {
    process.stdout.write(err.constructor.name === 'DataDirBusyError' ? 'busy\\n' : 'error ' + err.message + '\\n');
    process.exit(0);
  }
});
`;

async function contend(dir: string, processes: number): Promise<string[]> {
  const children = Array.from({ length: processes }, () =>
    spawn(process.execPath, ['--input-type=module', '-e', contender], {
      env: {
        ...process.env,
        LOCK_MODULE: path.resolve(import.meta.dirname, '../../src/db/data-dir-lock.ts'),
        DATA_DIR: dir,
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const outputs = children.map((child) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    return {
      ready: new Promise<void>((resolve) => {
        child.stdout.on('data', () => out.includes('ready') && resolve());
      }),
      ended: new Promise<string>((resolve) =>
        child.on('exit', () => resolve(out.replace('ready\n', '').trim())),
      ),
    };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const child of children) child.stdin.write('go\n');
  return Promise.all(outputs.map((o) => o.ended));
}

describe('lockDataDir, processes at the same moment', () => {
  it('gives the directory to one of them, with no lock file or with one a dead process left', async () => {
    for (const stale of [false, true]) {
      const dir = dataDir();
      if (stale)
        writeFileSync(
          path.join(dir, 'blogsmith.pid'),
          JSON.stringify({ pid: 2 ** 22 + 7, command: 'serve' }),
        );
      const answers = await contend(dir, 8);
      expect(
        answers.filter((a) => a === 'held'),
        `stale file: ${stale}`,
      ).toHaveLength(1);
      expect(answers.filter((a) => a === 'busy')).toHaveLength(7);
      // Nothing left behind: the holder removed its file, the takers their set-aside copies.
      expect(readdirSync(dir)).toEqual([]);
    }
  }, 60_000);

  it('waits for a lock file another process has created but not yet written, rather than take it', async () => {
    const dir = dataDir();
    const file = path.join(dir, 'blogsmith.pid');
    // The other process, already running: told to go, it writes its holder 50 ms later.
    const other = spawn(
      process.execPath,
      [
        '-e',
        `process.stdout.write('ready');
         process.stdin.once('data', () => setTimeout(() => {
           require('node:fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify({ pid: process.pid, command: 'serve' }));
           setTimeout(() => process.exit(0), 3000);
         }, 50));`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => other.stdout.once('data', resolve));
      writeFileSync(file, '');
      other.stdin.write('go\n');
      let refused: unknown;
      try {
        lockDataDir(dir, 'backup').release();
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(DataDirBusyError);
      expect((refused as Error).message).toContain(`pid ${other.pid}`);
    } finally {
      other.kill();
    }
  });
});
