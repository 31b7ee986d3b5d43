// Moved to test/support/processes.ts (one process helper for every test); kept so branches that
// still import it from here keep compiling.
export * from '../support/processes.ts';
