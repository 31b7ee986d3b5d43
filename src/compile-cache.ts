// Start-up: Node's on-disk compile cache for the modules the CLI (and each page-extractor process,
// src/research/extract-worker.ts) loads after this point.
//
// Every start compiles (and, for our `.ts` files, strips the types of) the same ~1,400 modules.
// Node can keep that work on disk, but its default folder is the shared OS temp directory, where
// another local user could plant cached code; ours lives in the user's own cache folder, mode 0700.
// An operator's NODE_COMPILE_CACHE (Node enables it itself) wins; a read-only home (the Docker
// image) or any other failure just means no cache.
import { mkdirSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
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
