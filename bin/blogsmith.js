#!/usr/bin/env node
// The `blogsmith` command. In a checkout, Node 24 runs the TypeScript sources directly (type
// stripping). Node refuses to strip types under node_modules, so an installed package runs dist/,
// compiled by `npm run build:cli` (run by `prepack`); so does any copy without src/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
const installed = fileURLToPath(import.meta.url)
  .split(/[\\/]/)
  .includes('node_modules');
await import(installed || !existsSync(sources) ? compiled.href : sources.href);
