#!/usr/bin/env node
// `blogsmith` command line: the same services as the HTTP server, without HTTP.
// Exit codes: 0 ok, 1 the command failed, 2 usage or configuration error.
import { Command, CommanderError } from 'commander';
import { enablePrivateCompileCache } from '../compile-cache.ts';
import { ConfigError } from '../config-error.ts';
import { AppError } from '../errors.ts';
import { restrictProcessUmask } from '../security/data-dir-permissions.ts';
import { registerAccountCommands } from './commands/accounts.ts';
import { registerBackupCommands } from './commands/backup.ts';
import { registerEvalCommand } from './commands/eval.ts';
import { registerGenerateCommand } from './commands/generate.ts';
import { registerIngestCommand } from './commands/ingest.ts';
import { registerModelsCommand } from './commands/models.ts';
import { registerOperationCommands } from './commands/operations.ts';
import { registerPublishCommand } from './commands/publish.ts';
import { registerToolCommands } from './commands/tools.ts';
import { installPackageResolveHook } from './package-resolve-hook.ts';
import { relaunchFor } from './relaunch.ts';

// Every file any command writes (embedded database, WAL, secret key, exports) is private to the
// user running it; existing DATA_DIR trees are repaired when the runtime opens them.
restrictProcessUmask();
// Before any command imports its modules: both only shorten start-up (bench/startup.ts).
installPackageResolveHook();
enablePrivateCompileCache();

const program = new Command('blogsmith')
  .description('Blogsmith: researched, cited long-form articles')
  .exitOverride()
  .showHelpAfterError()
  // An option goes to the command it follows: `models check --json` is check's, not models'
  // (which has a --json of its own), and `backup verify F --keep 3` is refused, not taken by backup.
  .enablePositionalOptions()
  .hook('preAction', async (_program, action) => {
    // The command as typed at the top level: `backup create` is a one-shot `backup`.
    let top = action;
    while (top.parent && top.parent !== program) top = top.parent;
    await relaunchFor(top.name());
  });

registerOperationCommands(program);
registerAccountCommands(program);
registerModelsCommand(program);
registerGenerateCommand(program);
registerIngestCommand(program);
registerToolCommands(program);
registerPublishCommand(program);
registerBackupCommands(program);
registerEvalCommand(program);
for (const command of program.commands) {
  command.exitOverride();
  for (const sub of command.commands) sub.exitOverride();
}

// What to change when the server cannot listen where it was told to.
const listenHints: Record<string, string> = {
  EADDRINUSE:
    'another program uses this port; stop it, or set PORT (a worker: WORKER_METRICS_PORT) to a free one',
  EACCES: 'ports below 1024 need privileges; set PORT (a worker: WORKER_METRICS_PORT) to 1024 or above',
  EADDRNOTAVAIL: 'HOST is not an address of this machine; 0.0.0.0 listens on all of them',
};

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof AppError) {
    const details = Array.isArray(err.details)
      ? err.details
          .map((d: { path?: string; message?: string }) => `\n  - ${d.path ?? ''}: ${d.message ?? ''}`)
          .join('')
      : '';
    process.stderr.write(`Error: ${err.message}${details}\n`);
    process.exit(1);
  }
  // A path the system refused (no such folder, no permission, a full disk): the message names the
  // call and the path, a trace would add nothing. Anything else is a bug and keeps its trace.
  const { code, syscall } = (err ?? {}) as NodeJS.ErrnoException;
  if (err instanceof Error && typeof code === 'string' && typeof syscall === 'string') {
    const hint = syscall === 'listen' ? listenHints[code] : undefined;
    process.stderr.write(`Error: ${err.message}${hint ? `: ${hint}` : ''}\n`);
    process.exit(1);
  }
  throw err;
}
