// `npm pack` makes a package whose `blogsmith` command works once installed under node_modules,
// where Node refuses to strip types from .ts files (so the package must run the compiled dist/).
// Installing the dependencies from the registry would make the test slow and networked: the
// tarball is unpacked into <tmp>/node_modules/blogsmith as npm would, and the other entries of
// <tmp>/node_modules link to this checkout's installed dependencies.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the packed package', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-pack-'));
  const modules = path.join(dir, 'node_modules');
  const bin = path.join(modules, '.bin', 'blogsmith');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // prepack compiles src to dist (and builds the web app when stale): slow on a busy machine.
  beforeAll(() => {
    execFileSync(npm, ['pack', '--pack-destination', dir], { cwd: root, stdio: 'ignore' });
    const tarball = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
    const installed = path.join(modules, 'blogsmith');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    for (const entry of readdirSync(path.join(root, 'node_modules'))) {
      if (entry.startsWith('.') || entry === 'blogsmith') continue;
      symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry));
    }
    mkdirSync(path.dirname(bin));
    symlinkSync('../blogsmith/bin/blogsmith.js', bin);
  }, 600_000);

  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [bin, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: dir, LOG_LEVEL: 'silent', ...env },
    });

  it('ships the compiled CLI, the migrations and the web app, not the sources or tests', () => {
    const files = readdirSync(path.join(modules, 'blogsmith'), { recursive: true }).map(String);
    expect(files).toContain(path.join('dist', 'cli', 'main.js'));
    expect(files.some((f) => f.startsWith(`drizzle${path.sep}`) && f.endsWith('.sql'))).toBe(true);
    expect(files).toContain(path.join('web', 'dist', 'index.html'));
    expect(files.some((f) => f.endsWith('.ts'))).toBe(false);
  });

  it('runs `blogsmith --help` from node_modules', () => {
    const r = run(['--help']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: blogsmith/);
  });

  it('runs commands that load the lazily imported modules (models, migrate)', () => {
    const models = run(['models', '--json']);
    expect(models.status, models.stderr).toBe(0);
    expect(JSON.parse(models.stdout).providers.map((p: { name: string }) => p.name)).toContain('openai');
    const migrate = run(['migrate'], {
      DATA_DIR: path.join(dir, 'data'),
      SECRET_KEY: 'pack-test-secret-key-that-is-long-enough-0123',
    });
    expect(migrate.status, migrate.stderr + migrate.stdout).toBe(0);
  });

  it('ingests a document in its compiled document-reading process', () => {
    const env = {
      DATA_DIR: path.join(dir, 'ingest-data'),
      SECRET_KEY: 'pack-test-secret-key-that-is-long-enough-0123',
    };
    const user = run(['user', 'create', '--email', 'pack@example.com', '--password', 'pack-password-1'], env);
    expect(user.status, user.stderr).toBe(0);
    const guide = path.join(dir, 'guide.md');
    writeFileSync(guide, '# Greenhouse guide\n\nTomatoes need eight hours of sun.\n');
    const ingest = run(['ingest', '--json', guide], env);
    expect(ingest.status, ingest.stderr).toBe(0);
    expect(JSON.parse(ingest.stdout)).toMatchObject({ ok: true, status: 'ready', title: 'Greenhouse guide' });
  });
});
