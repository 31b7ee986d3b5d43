// Start-up: Node's on-disk compile cache for the modules the CLI (and each page-extractor process,
// src/research/extract-worker.ts) loads after this point.
//
// Every start compiles (and, for our `.ts` files, strips the types of) the same ~1,400 modules.
// Node can keep that work on disk, but its default folder is the shared OS temp directory, where
// another local user could plant cached code; ours lives in the user's own cache folder, mode 0700.
// An operator's NODE_COMPILE_CACHE (Node enables it itself) wins — the Docker image names its own,
// built in (deploy/warm-compile-cache.mjs); a read-only home or any other failure just means no cache.
import { mkdirSync } from 'node:fs';
import { enableCompileCache, getCompileCacheDir } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';

/** The folder used when NODE_COMPILE_CACHE is not set. */
export function privateCompileCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(cacheHome, 'blogsmith', 'node-compile-cache');
}

export function enablePrivateCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_COMPILE_CACHE) return;
  try {
    const dir = privateCompileCacheDir(env);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    enableCompileCache(dir);
  } catch {
    // No cache is only slower.
  }
}

/**
 * The environment for a Node process this one starts (its relaunch, a worker process), naming the
 * compile cache this one uses, so that Node enables it before the new process reads its first module.
 * Enabled from code, the cache comes only after the entry module's own imports: every `.ts` file among
 * them has its types stripped again, by a WebAssembly compiler the process loads for it — ~18 MB of
 * resident memory in each process (bench/RESULTS.md), and start-up time.
 */
export function withCompileCache(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.NODE_COMPILE_CACHE || getCompileCacheDir() === undefined) return env;
  return { ...env, NODE_COMPILE_CACHE: privateCompileCacheDir(env) };
}
