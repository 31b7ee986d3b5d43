// deploy/Dockerfile: linted with dockerfile-utils, and — no image builder runs on this machine —
// its web stage replayed in a clean directory with only what it copies, then its runtime stage in
// another: only the production dependencies of the lockfile (what `npm ci --omit=dev` installs),
// the web stage's build and the copied sources, then
// the ENTRYPOINT/CMD started as the image's unprivileged USER under tini with the image's ENV, and
// the HEALTHCHECK command run against it.
import { execFileSync, fork, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { validate } from 'dockerfile-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultEvalDir } from '../../src/eval/dataset.ts';
import { freePort, spawnCaptured } from '../support/processes.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dockerfile = readFileSync(path.join(root, 'deploy/Dockerfile'), 'utf8');
const dirs: string[] = [];
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions per stage name, continuation lines joined, comments dropped. */
function stages(text: string): Map<string, Instruction[]> {
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  const result = new Map<string, Instruction[]>();
  let current: Instruction[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      current = [];
      result.set(/\sAS\s+(\S+)/i.exec(args)?.[1] ?? args, current);
    }
    current.push({ keyword: keyword.toUpperCase(), args });
  }
  return result;
}

const jsonArgs = (args: string) => JSON.parse(args.replace(/^CMD\s+/, '')) as string[];

/** What `npm ci --omit=dev` installs: the lockfile's packages not marked dev. */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([key, meta]) => key.startsWith('node_modules/') && !meta.dev)
    .map(([key]) => key)
    .filter((key) => existsSync(path.join(root, key)));
}

// What .dockerignore keeps out of the build context that a COPY of web/ would otherwise bring.
const ignoredInContext = new Set(['node_modules', 'dist', '.build-lock']);

/**
 * The web stage replayed in a clean directory: its COPYs from the build context (what .dockerignore
 * leaves out, left out), its `npm ci` as the checkout's full node_modules (the same lockfile), and
 * its `node` steps run there. So a build step needing a file the stage does not copy fails here as
 * it would in `docker build`. Answers the stage's /app.
 */
function replayWebStage(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-web-stage-'));
  dirs.push(dir);
  for (const { keyword, args } of stages(dockerfile).get('web') ?? []) {
    if (keyword === 'COPY') {
      const words = args.split(/\s+/);
      const dst = words.pop() as string;
      for (const source of words) {
        const into = dst.endsWith('/') ? path.join(dir, dst, path.basename(source)) : path.join(dir, dst);
        cpSync(path.join(root, source), into, {
          recursive: true,
          filter: (from) => !ignoredInContext.has(path.basename(from)),
        });
      }
    } else if (keyword === 'RUN' && args.startsWith('npm ci')) {
      execFileSync('ln', ['-s', path.join(root, 'node_modules'), path.join(dir, 'node_modules')]);
    } else if (keyword === 'RUN' && args.startsWith('node ')) {
      const [, ...rest] = args.split(/\s+/);
      execFileSync(process.execPath, rest, {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '' },
        stdio: 'pipe',
      });
    } else if (keyword === 'RUN') {
      throw new Error(`The web stage's RUN ${args} is not replayed here: teach replayWebStage it`);
    }
  }
  return dir;
}

describe('deploy/Dockerfile', { timeout: 300_000 }, () => {
  it('passes the dockerfile-utils linter, which catches a broken instruction', () => {
    expect(validate(dockerfile)).toEqual([]);
    const broken = dockerfile
      .replace('EXPOSE 3000 9464', 'EXPOSE port3000')
      .replace('COPY bin ./bin', 'COPY ./bin');
    expect(validate(broken).length).toBeGreaterThanOrEqual(2);
  });

  it('has the shape the issue asks for', () => {
    const s = stages(dockerfile);
    expect([...s.keys()]).toEqual(['web', 'deps', 'runtime']);
    for (const [, instructions] of s) expect(instructions[0]?.args).toMatch(/^node:24-[a-z]+-slim\b/);
    const runtime = s.get('runtime') ?? [];
    const find = (k: string) => runtime.filter((i) => i.keyword === k);
    expect(
      find('RUN')
        .map((i) => i.args)
        .join(' '),
    ).toMatch(/tini/);
    expect(s.get('deps')?.some((i) => i.keyword === 'RUN' && i.args.includes('npm ci --omit=dev'))).toBe(
      true,
    );
    expect(find('USER')[0]?.args).toMatch(/^[1-9]\d*:[1-9]\d*$/); // numeric, non-root (runAsNonRoot can verify it)
    expect(find('VOLUME')[0]?.args).toContain('/data');
    expect(find('HEALTHCHECK')).toHaveLength(1);
    expect(jsonArgs(find('ENTRYPOINT')[0]?.args ?? '[]').slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
    // Only the runtime stage's own files and the two build stages' outputs reach the image.
    const froms = find('COPY').filter((i) => i.args.startsWith('--from='));
    expect(froms.map((i) => i.args)).toEqual([
      '--from=deps /app/node_modules ./node_modules',
      '--from=web /app/web/dist ./web/dist',
    ]);
  });

  it('replayed in a clean directory, starts as the unprivileged user and passes its HEALTHCHECK', async () => {
    const runtime = stages(dockerfile).get('runtime') ?? [];
    const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-image-'));
    dirs.push(dir);
    chmodSync(dir, 0o755);
    const app = path.join(dir, 'app');
    mkdirSync(app);
    // The image's WORKDIR, /app, is this directory here.
    const inApp = (value: string) => (/^\/app(\/|$)/.test(value) ? path.join(app, value.slice(4)) : value);
    const env: Record<string, string> = {};
    let user: { uid: number; gid: number } | undefined;
    let entrypoint: string[] = [];
    let cmd: string[] = [];
    let healthcheck: string[] = [];
    const webStage = replayWebStage();
    for (const { keyword, args } of runtime) {
      if (keyword === 'ENV') {
        for (const m of args.matchAll(/(\w+)=(\S+)/g)) env[m[1] as string] = inApp(m[2] as string);
      } else if (keyword === 'RUN' && args.startsWith('node ')) {
        // The build's own Node steps (the compile cache), as root, in the image's directory.
        const [, script, ...rest] = args.split(/\s+/);
        execFileSync(process.execPath, [script as string, ...rest.map(inApp)], {
          cwd: app,
          env: { PATH: process.env.PATH ?? '', ...env },
          stdio: 'pipe',
        });
      } else if (keyword === 'COPY') {
        const words = args.split(/\s+/);
        const from = words[0]?.startsWith('--from=') ? (words.shift() as string) : '';
        const dst = words.pop() as string;
        const target = path.join(app, dst);
        if (from === '--from=deps') {
          // Hard links: the production closure, as npm ci --omit=dev lays it out, without copying bytes.
          for (const key of productionPackages()) {
            mkdirSync(path.dirname(path.join(target, key.slice('node_modules/'.length))), {
              recursive: true,
            });
            execFileSync('cp', [
              '-al',
              path.join(root, key),
              path.join(target, key.slice('node_modules/'.length)),
            ]);
          }
        } else if (from === '--from=web') {
          cpSync(path.join(webStage, 'web/dist'), target, { recursive: true });
        } else {
          // Docker's rule: a destination ending in / is a directory the sources go into.
          for (const source of words) {
            const into = dst.endsWith('/') ? path.join(target, path.basename(source)) : target;
            mkdirSync(path.dirname(into), { recursive: true });
            cpSync(path.join(root, source), into, { recursive: true });
          }
        }
      } else if (keyword === 'USER') {
        const [uid, gid] = args.split(':').map(Number) as [number, number];
        user = { uid, gid };
      } else if (keyword === 'ENTRYPOINT') {
        entrypoint = jsonArgs(args);
      } else if (keyword === 'CMD') {
        cmd = jsonArgs(args);
      } else if (keyword === 'HEALTHCHECK') {
        healthcheck = jsonArgs(/CMD\s+(\[.*\])$/.exec(args)?.[1] ?? '[]');
      }
    }
    expect(user).toBeDefined();
    const { uid, gid } = user as { uid: number; gid: number };
    // No dev dependency came along (vite, vitest, typescript...), and the tree is not the user's to write.
    for (const dev of ['vite', 'vitest', 'typescript', '@biomejs/biome']) {
      expect(existsSync(path.join(app, 'node_modules', dev)), dev).toBe(false);
    }
    expect(existsSync(path.join(app, 'web/dist/index.html'))).toBe(true);
    // `blogsmith eval` reads its dataset beside the sources.
    expect(readdirSync(path.join(app, path.relative(root, defaultEvalDir))).length).toBeGreaterThan(0);
    const dataDir = path.join(dir, 'data');
    mkdirSync(dataDir);
    chownSync(dataDir, uid, gid);
    const port = await freePort();
    const metricsPort = await freePort();
    const processEnv = {
      PATH: process.env.PATH ?? '',
      ...env,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      WORKER_METRICS_PORT: String(metricsPort),
      SECRET_KEY: 'image-secret-key-that-is-long-enough-0123456789',
      LOG_LEVEL: 'warn',
      // Node says, module by module, whether it read the compile cache.
      NODE_DEBUG_NATIVE: 'COMPILE_CACHE',
    };
    // `node` in the image is Node 24: here that is this test's own binary.
    const [tini, dashdash, node, ...rest] = entrypoint;
    expect(node).toBe('node');
    const tiniBinary = existsSync(tini as string) ? (tini as string) : undefined;
    const argv = [...(tiniBinary ? [dashdash as string] : []), process.execPath, ...rest, ...cmd];
    const image = spawnCaptured(tiniBinary ?? (argv.shift() as string), argv, {
      cwd: app,
      env: processEnv,
      uid,
      gid,
    });
    stops.push(() => image.stop());
    const health = () => {
      const [cmd0, ...cmdArgs] = healthcheck;
      const r = spawnSync(cmd0 === 'node' ? process.execPath : (cmd0 as string), cmdArgs, {
        cwd: app,
        env: processEnv,
        uid,
        gid,
      });
      return r.status;
    };
    await image.waitFor('Blogsmith is running at', 180_000);
    expect(health()).toBe(0);
    const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);
    // What it keeps is in DATA_DIR (the volume): the embedded database.
    expect(existsSync(path.join(dataDir, 'pg'))).toBe(true);
    // The build's compile cache: root's, the user's to read only, and read before the first module,
    // by the server and by a worker process: none of their TypeScript modules was stripped again.
    const cache = env.NODE_COMPILE_CACHE as string;
    expect(cache.startsWith(`${app}${path.sep}`)).toBe(true);
    // One folder per set of V8 flags (the server's, the relaunched commands'), each the user's.
    const folders = readdirSync(cache).map((name) => path.join(cache, name));
    expect(folders).toHaveLength(2);
    for (const folder of folders) {
      expect(folder).toMatch(new RegExp(`-${uid}$`));
      const entries = readdirSync(folder);
      expect(entries.length).toBeGreaterThan(500);
      for (const entry of [cache, folder, path.join(folder, entries[0] as string)]) {
        const { uid: owner, mode } = statSync(entry);
        expect({ owner, writableByOthers: (mode & 0o022) !== 0 }).toEqual({
          owner: 0,
          writableByOthers: false,
        });
      }
    }
    const readFromCache = (output: string, file: string) =>
      output
        .split('\n')
        .some(
          (line) =>
            line.includes(`for StrippedTypeScript ${pathToFileURL(path.join(app, file)).href}.`) &&
            /\.\.\. success, size=\d+$/.test(line),
        );
    expect(image.output()).not.toMatch(/no transpile cache/);
    // NODE_DEBUG's lines are on stderr: read whole there, not split by a chunk of the log on stdout.
    expect(readFromCache(image.stderr(), 'src/server/app.ts')).toBe(true);
    const extractor = fork(
      path.join(app, 'src/worker-process.ts'),
      [pathToFileURL(path.join(app, 'src/research/extract-worker.ts')).href],
      {
        cwd: app,
        env: processEnv,
        uid,
        gid,
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      },
    );
    let extractorOutput = '';
    extractor.stderr?.on('data', (d: Buffer) => {
      extractorOutput += String(d);
    });
    await new Promise((resolve) => extractor.once('message', resolve));
    extractor.disconnect();
    await new Promise((resolve) => extractor.once('exit', resolve));
    expect(extractorOutput).not.toMatch(/no transpile cache/);
    expect(readFromCache(extractorOutput, 'src/research/extract-worker.ts')).toBe(true);
    // SIGTERM through tini: a clean, graceful exit; the HEALTHCHECK then fails.
    image.child.kill('SIGTERM');
    expect(await image.exited).toBe(0);
    expect(health()).toBe(1);
    // The other commands (Compose's and Helm's `migrate` and backup jobs...) relaunch themselves with
    // V8 flags of their own, under which Node keeps another cache: built too, and read.
    const migrate = spawnSync(process.execPath, [...rest, 'migrate'], {
      cwd: app,
      env: processEnv,
      uid,
      gid,
    });
    const migrateOutput = String(migrate.stdout) + String(migrate.stderr);
    expect(migrate.status, migrateOutput.slice(-2000)).toBe(0);
    expect(migrateOutput).not.toMatch(/no transpile cache|Cannot create cache directory/);
    expect(readFromCache(migrateOutput, 'src/db/migrate.ts')).toBe(true);
  });
});
