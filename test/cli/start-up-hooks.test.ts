// The CLI's start-up shortcuts must not change what runs: the package resolve hook answers exactly
// as Node's resolver does, the compile cache stays private and yields to NODE_COMPILE_CACHE, and an
// older Node is told what is needed before anything fails on it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enablePrivateCompileCache, privateCompileCacheDir } from '../../src/compile-cache.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-start-up-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Records every resolution's final answer. Registered after our hook, so it runs first and sees
// what our hook (or Node, without it) returns.
const recorder = `import { registerHooks } from 'node:module';
import { writeSync } from 'node:fs';
const answers = {};
registerHooks({ resolve(specifier, context, next) {
  const r = next(specifier, context);
  if (r.url.includes('/node_modules/drizzle-orm/')) answers[specifier + ' <- ' + context.parentURL] = [r.url, r.format];
  return r;
} });
process.on('exit', () => writeSync(2, '\\nANSWERS ' + JSON.stringify(answers) + '\\n'));
`;

function resolutions(withHook: boolean): Record<string, [string, string]> {
  const script = path.join(dir, withHook ? 'with-hook.mjs' : 'without-hook.mjs');
  const install = withHook
    ? `import { installPackageResolveHook } from ${JSON.stringify(path.join(root, 'src/cli/package-resolve-hook.ts'))};\ninstallPackageResolveHook();\n`
    : '';
  // The embedded and the server database clients, with their migrators: most of drizzle's files.
  writeFileSync(
    script,
    `${install}${recorder}await import(${JSON.stringify(path.join(root, 'src/db/client.ts'))});
await import(${JSON.stringify(path.join(root, 'src/db/migrate.ts'))});
`,
  );
  const r = spawnSync(process.execPath, [script], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const line = r.stderr.split('\n').find((l) => l.startsWith('ANSWERS '));
  return JSON.parse(line?.slice('ANSWERS '.length) ?? '{}') as Record<string, [string, string]>;
}

describe('package resolve hook', () => {
  it('resolves drizzle-orm to the same files and formats as Node does', () => {
    const node = resolutions(false);
    const hooked = resolutions(true);
    // Enough of the package to mean something: bare specifiers from our code and drizzle's own imports.
    expect(Object.keys(node).length).toBeGreaterThan(100);
    expect(Object.keys(node).some((k) => k.startsWith('drizzle-orm/pg-core <- file://'))).toBe(true);
    expect(hooked).toEqual(node);
  });
});

describe('private compile cache', () => {
  it('lives in the user cache folder, closed to everyone else', () => {
    const env = { XDG_CACHE_HOME: path.join(dir, 'cache') };
    expect(privateCompileCacheDir(env)).toBe(path.join(dir, 'cache', 'blogsmith', 'node-compile-cache'));
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { enablePrivateCompileCache } from ${JSON.stringify(path.join(root, 'src/compile-cache.ts'))};
enablePrivateCompileCache();
const { getCompileCacheDir } = await import('node:module');
process.stdout.write(String(getCompileCacheDir()));`,
      ],
      { env: { ...process.env, ...env, NODE_COMPILE_CACHE: '' }, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.startsWith(privateCompileCacheDir(env))).toBe(true);
    for (const folder of ['blogsmith', 'blogsmith/node-compile-cache']) {
      expect(statSync(path.join(dir, 'cache', folder)).mode & 0o077).toBe(0);
    }
  });

  it('is on before main.ts reads its imports when the command starts from bin/blogsmith.js', () => {
    // Turned on by main.ts, it misses main.ts's own imports: a checkout strips their types at every
    // start. From bin/, the same folder is on first, and those modules are written to it.
    const cachedFiles = (entry: string, name: string) => {
      const env = { XDG_CACHE_HOME: path.join(dir, name) };
      const r = spawnSync(process.execPath, [path.join(root, entry), '--help'], {
        env: { ...process.env, ...env, NODE_COMPILE_CACHE: '' },
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const folder = privateCompileCacheDir(env);
      expect(statSync(folder).mode & 0o077).toBe(0);
      return readdirSync(folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    };
    expect(cachedFiles('bin/blogsmith.js', 'bin-cache')).toBeGreaterThan(
      cachedFiles('src/cli/main.ts', 'main-cache'),
    );
  });

  it('leaves an operator-set NODE_COMPILE_CACHE alone', () => {
    const env = {
      XDG_CACHE_HOME: path.join(dir, 'other-cache'),
      NODE_COMPILE_CACHE: path.join(dir, 'operator'),
    };
    enablePrivateCompileCache(env);
    expect(() => statSync(path.join(dir, 'other-cache'))).toThrow();
  });
});

describe('an older Node', () => {
  it('is told which Node the command needs, before anything fails on it', () => {
    // Node 22 as far as the command can tell; Node 22 itself would fail on the sources' syntax.
    const older = `data:text/javascript,Object.defineProperty(process.versions, 'node', { value: '22.11.0' })`;
    const r = spawnSync(
      process.execPath,
      ['--import', older, path.join(root, 'bin/blogsmith.js'), '--help'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^blogsmith needs Node\.js 24 \(this is v22\.11\.0\)\./);
    expect(r.stdout).toBe('');
  });
});
