#!/usr/bin/env node
// `blogsmith` command line: the same services as the HTTP server, without HTTP.
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import { startServer } from '../server/start.ts';
import { registerModelsCommand } from './commands/models.ts';

const program = new Command('blogsmith').description('Blogsmith: researched, cited long-form articles');

program
  .command('serve')
  .description('Run the HTTP API (and, on the embedded database, the job worker in the same process)')
  .action(async () => {
    await startServer(loadConfig());
  });

registerModelsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
