// Builds the web app into web/dist when it is missing or older than its sources.
// Used by `npm start` (prestart), `npm run build:web` (always) and the browser tests.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
// Nothing from src/: the image's web stage (deploy/Dockerfile) has only web/ and the package files.
import { setTimeout as sleep } from 'node:timers/promises';

export const webRoot = import.meta.dirname;
export const distDir = path.join(webRoot, 'dist');
const builtMarker = path.join(distDir, 'index.html');
const lockDir = path.join(webRoot, '.build-lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** True when web/dist is missing or any source is newer than the last build. */
export function webBuildStale(): boolean {
  if (!existsSync(builtMarker)) return true;
  const src = path.join(webRoot, 'src');
  if (!existsSync(src)) return false; // a packaged install with only dist/
  const sources = Math.max(
    newestSource(src),
    statSync(path.join(webRoot, 'index.html')).mtimeMs,
    statSync(path.join(webRoot, 'vite.config.ts')).mtimeMs,
  );
  return sources > statSync(builtMarker).mtimeMs;
}

/** Runs Vite's build; concurrent callers (parallel test files) wait on one lock directory. */
export async function buildWeb(options: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      // Another build holds the lock; a lock older than 2 minutes is a crashed build.
      if (existsSync(lockDir) && Date.now() - statSync(lockDir).mtimeMs > 120_000)
        rmSync(lockDir, { recursive: true, force: true });
      if (waited > 180_000) throw new Error('web build lock held for too long');
      await sleep(200);
    }
  }
  try {
    if (!options.force && !webBuildStale()) return false;
    let build: typeof import('vite').build;
    try {
      ({ build } = await import('vite'));
    } catch {
      // An install without dev dependencies: serve the build there is, if any.
      if (existsSync(builtMarker)) {
        console.warn('web app: sources changed but Vite is not installed; serving the existing web/dist');
        return false;
      }
      throw new Error(
        'web/dist is missing and Vite is not installed: run `npm install` (with dev dependencies)',
      );
    }
    // Vite follows NODE_ENV; the caller may run with NODE_ENV=test (vitest) or development, but the
    // served app is always the production build (minified, React's production runtime).
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        configFile: path.join(webRoot, 'vite.config.ts'),
        mode: 'production',
        logLevel: options.quiet ? 'warn' : 'info',
      });
    } finally {
      if (previous === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = previous;
    }
    return true;
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const force = process.argv.includes('--force');
  const built = await buildWeb({ force });
  if (!built) console.log('web app is up to date (web/dist)');
}
