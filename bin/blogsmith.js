#!/usr/bin/env node
// The published entry point: Node 24 runs the TypeScript sources directly (type stripping).
import '../src/cli/main.ts';
