// `blogsmith ingest`: the command's definition. Its work (runtime, parsers, SDKs) is in ingest-run.ts,
// imported only when the command runs, so `blogsmith --help` does not load it.
import type { Command } from 'commander';
import type { IngestOptions } from './ingest-run.ts';

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('Add documents (files or http(s) URLs) to a workspace knowledge library, with progress')
    .argument('<sources...>', 'files or URLs (PDF, DOCX, Markdown, text, HTML, OpenAPI)')
    .option('--email <email>', 'a user whose workspace receives the documents (default: the only workspace)')
    .option('--workspace <id>', 'the workspace id instead of --email')
    .option('--tags <list>', 'comma-separated tags for every document')
    .option('--json', 'print one JSON line per document instead of text')
    .action(async (sources: string[], opts: IngestOptions) => {
      const { runIngest } = await import('./ingest-run.ts');
      await runIngest(sources, opts);
    });
}
