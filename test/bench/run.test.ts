// `npm run bench` is `node bench/run.ts`: without a name it lists every benchmark in bench/.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const benchDir = path.resolve(import.meta.dirname, '../../bench');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(benchDir, 'run.ts'), ...args], { encoding: 'utf8' });

describe('bench/run.ts', () => {
  it('lists every benchmark when no name is given', () => {
    const r = run();
    expect(r.status).toBe(0);
    const names = readdirSync(benchDir)
      .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
      .map((f) => f.replace(/\.ts$/, ''));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('refuses an unknown name with the list and exit code 2', () => {
    const r = run('no-such-bench');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/No benchmark named "no-such-bench"/);
    expect(r.stderr).toMatch(/^ {2}http /m);
  });
});
