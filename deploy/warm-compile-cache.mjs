// Run once while the image is built (deploy/Dockerfile), as root:
//   node deploy/warm-compile-cache.mjs <cache folder> <uid>:<gid>
// Fills Node's compile cache for what the image's processes load — `serve` up to its first
// requests, every worker process (src/**/*-worker.ts, through src/worker-process.ts), `migrate`, and
// every other module of src/ imported once (`worker`'s metrics server, the rarer commands) — by
// running them as the image's user, then hands the folder to root, readable by all and writable by
// none. The image names the folder in NODE_COMPILE_CACHE, so that Node reads it before the first
// module. Without it, every container start strips the types of each TypeScript module again, with a
// WebAssembly compiler loaded for it into every process (bench/RESULTS.md): the image's home is not
// writable, so no process could keep its own cache. Node keeps a sub-folder per user id and per set
// of V8 flags: a container run as another user just has no cache. Any failure fails the build: an
// image whose server cannot start here is broken anyway.
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const app = path.resolve(import.meta.dirname, '..');
const modules = () =>
  readdirSync(path.join(app, 'src'), { recursive: true })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => path.join(app, 'src', name));

if (process.argv[2] === '--import-every-module') {
  // The pass run as the image's user: a module already cached by a real run keeps that entry, which
  // holds the code its functions compiled to as they ran. The CLI's entry would run a command.
  for (const file of modules()) {
    if (file !== path.join(app, 'src/cli/main.ts')) await import(pathToFileURL(file).href);
  }
  process.exit(0);
}

const [cacheDir, user = ''] = process.argv.slice(2);
const [uid, gid] = user.split(':').map(Number);
if (!cacheDir || !path.isAbsolute(cacheDir) || !Number.isInteger(uid) || !Number.isInteger(gid)) {
  console.error('usage: node deploy/warm-compile-cache.mjs <absolute cache folder> <uid>:<gid>');
  process.exit(2);
}
const deadlineMs = 180_000;

mkdirSync(cacheDir, { recursive: true });
chownSync(cacheDir, uid, gid);
const dataDir = mkdtempSync(path.join(tmpdir(), 'blogsmith-warm-'));
chownSync(dataDir, uid, gid);
const env = {
  ...process.env,
  NODE_COMPILE_CACHE: cacheDir,
  DATA_DIR: dataDir,
  HOST: '127.0.0.1',
  PORT: '0',
  WORKER_METRICS_PORT: '0',
  SECRET_KEY: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'warn',
};
const asUser = { cwd: app, env, uid, gid };

/** Resolves with the child's exit code; rejects if it outlives the deadline. */
const exited = (child, what) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not finish within ${deadlineMs / 1000} s`));
    }, deadlineMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal);
    });
  });

async function warmServe() {
  const child = spawn(process.execPath, ['bin/blogsmith.js', 'serve'], {
    ...asUser,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exit = exited(child, 'serve');
  let output = '';
  const url = await new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const found = /Blogsmith is running at (\S+)/.exec(output);
      if (found) resolve(found[1]);
    });
    exit.then((code) => reject(new Error(`serve exited (${code}) before it was running:\n${output}`)), reject);
  });
  // What a container's first requests load: the probes, metrics, the web app, the first-run setup.
  for (const route of ['/health', '/health/ready', '/metrics', '/', '/api/v1/setup']) {
    await (await fetch(new URL(route, url), { headers: { accept: 'text/html' } })).arrayBuffer();
  }
  child.kill('SIGTERM'); // a normal exit: Node writes the cache then
  const code = await exit;
  if (code !== 0) throw new Error(`serve did not stop cleanly (${code}):\n${output}`);
}

// The pools (src/worker-pool.ts) start these with heap-size flags; V8's heap sizes are not among the
// flags Node names a cache folder after (checked with NODE_DEBUG_NATIVE=COMPILE_CACHE), so the
// server's folder is theirs too.
async function warmWorker(file) {
  const child = fork(path.join(app, 'src/worker-process.ts'), [pathToFileURL(file).href], {
    ...asUser,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exit = exited(child, file);
  await new Promise((resolve, reject) => {
    child.once('message', (message) => (message?.ready ? resolve() : reject(new Error(`${file}: ${message}`))));
    exit.then((code) => reject(new Error(`${file} exited (${code}) before it was ready`)), reject);
  });
  child.disconnect(); // its parent gone, a worker process exits normally
  const code = await exit;
  if (code !== 0) throw new Error(`${file} did not stop cleanly (${code})`);
}

async function runToEnd(args, what) {
  const child = spawn(process.execPath, args, { ...asUser, stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await exited(child, what);
  if (code !== 0) throw new Error(`${what} failed (${code})`);
}

try {
  await warmServe();
  const workers = modules().filter((file) => file.endsWith('-worker.ts'));
  for (const file of workers) await warmWorker(file);
  await runToEnd([fileURLToPath(import.meta.url), '--import-every-module'], 'importing every module');
  // The other commands (migrate, backup, user create, generate…) run relaunched with V8 flags of their
  // own (src/cli/relaunch.ts), and Node keeps a cache per set of V8 flags: theirs is filled too, by a
  // real `migrate` (what the Helm and Compose jobs start with) and the same pass under those flags.
  const { relaunchPlan } = await import(pathToFileURL(path.join(app, 'src/cli/relaunch.ts')).href);
  const relaunchFlags = relaunchPlan({ command: 'migrate', execArgv: [], allocator: 'system' })?.flags ?? [];
  await runToEnd(['bin/blogsmith.js', 'migrate'], 'migrate');
  await runToEnd([...relaunchFlags, fileURLToPath(import.meta.url), '--import-every-module'], 'importing every module');
  let entries = 0;
  const handOver = (target) => {
    chownSync(target, 0, 0);
    if (lstatSync(target).isDirectory()) {
      chmodSync(target, 0o755);
      for (const name of readdirSync(target)) handOver(path.join(target, name));
    } else {
      chmodSync(target, 0o644);
      entries++;
    }
  };
  handOver(cacheDir);
  console.log(`compile cache: ${entries} entries in ${cacheDir}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
