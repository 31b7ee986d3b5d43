// `blogsmith --help` must not load the database drivers, provider SDKs, parsers or the config schema:
// every command imports what it needs when it runs. Counted with a module load hook, so the check is
// about what is imported, not about how fast a loaded machine happens to be.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-help-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hook = path.join(dir, 'record-loads.mjs');
writeFileSync(
  hook,
  `import { registerHooks } from 'node:module';
import { writeSync } from 'node:fs';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
process.on('exit', () => writeSync(2, '\\nLOADED ' + JSON.stringify(loaded) + '\\n'));
`,
);

function loadedBy(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', hook, path.join(root, 'src/cli/main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dir },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  return JSON.parse(line?.slice('LOADED '.length) ?? '[]') as string[];
}

const packageOf = (url: string) => url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];

describe('blogsmith --help', () => {
  it.each([
    [['--help']],
    [['backup', '--help']],
    [['models', '--help']],
    [['ingest', '--help']],
    [['publish', '--help']],
  ])('%j loads no package besides commander', (args) => {
    const loaded = loadedBy(args);
    const packages = new Set(loaded.map(packageOf).filter((p): p is string => p !== undefined));
    expect([...packages]).toEqual(['commander']);
    expect(loaded.filter((u) => u.includes('/src/config.ts'))).toEqual([]);
  });
});
