#!/usr/bin/env node
// The `blogsmith` command. In a checkout, Node 24 runs the TypeScript sources directly (type
// stripping). Node refuses to strip types under node_modules, so an installed package runs dist/,
// compiled by `npm run build:cli` (run by `prepack`); so does any copy without src/.
import { existsSync, mkdirSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// An older Node would fail below on a missing export or on the TypeScript sources, with a trace
// that does not say why; the namespace import above lets this line speak first.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `blogsmith needs Node.js 24 (this is v${process.versions.node}). In a checkout, \`npx blogsmith\` and the npm scripts use the Node 24 that \`npm install\` puts in node_modules.\n`,
  );
  process.exit(1);
}

// Node's compile cache, on before the first module of ours is read: turned on by main.ts
// (src/compile-cache.ts), it would come after main.ts's own imports, which a checkout would then
// strip of their types at every start, with a WebAssembly compiler loaded for it (`--help` 0.23 →
// 0.10 s, 82 → 54 MB: bench/RESULTS.md). The folder is src/compile-cache.ts's, written out here
// because that file is TypeScript; an operator's NODE_COMPILE_CACHE wins, and a failure only
// means no cache.
if (!process.env.NODE_COMPILE_CACHE) {
  try {
    const cacheHome = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
    const dir = path.join(cacheHome, 'blogsmith', 'node-compile-cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    nodeModule.enableCompileCache(dir);
  } catch {
    // No cache is only slower.
  }
}

const sources = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
const installed = fileURLToPath(import.meta.url)
  .split(/[\\/]/)
  .includes('node_modules');
await import(installed || !existsSync(sources) ? compiled.href : sources.href);
