// `blogsmith publish <articleId> --to <destination>`: publishes a finished article to one of the
// workspace's WordPress or Ghost sites (named as in Settings › Publishing, or by id) — live now, as a
// draft there (`--draft`), or scheduled (`--at`) — and waits for the site's answer, printing the
// post's address. Through the API, as `generate` is: the server holding the data directory, or an
// API and a worker in this process. Its work is imported when it runs: `--help` stays light.
import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { loadConfig } from '../load-config.ts';

interface PublishOptions {
  to: string;
  draft?: boolean;
  at?: string;
  wait: boolean;
  json?: boolean;
}

interface Destination {
  id: string;
  name: string;
  kind: string;
}

interface Publication {
  id: string;
  state: string;
  destination: Destination & { siteUrl: string };
  remoteUrl: string | null;
  scheduledFor: string | null;
  error: string | null;
  attempts: number;
}

const optionByField: Record<string, string> = {
  destinationId: '--to',
  scheduledFor: '--at',
  status: '--draft',
};

/** The API's refusal at a field, in the options' words (`scheduledFor` → `--at`). */
function inOptionTerms(err: unknown): unknown {
  if (!(err instanceof AppError) || err.code !== 'validation_error' || !Array.isArray(err.details))
    return err;
  const details = (err.details as { path?: string; message?: string }[]).map((d) => ({
    path: optionByField[d.path ?? ''] ?? d.path,
    message: d.message,
  }));
  return new AppError('validation_error', 'Invalid options', details);
}

/** The destination named by `to`: its id, or its name in any case. */
export function destinationNamed(destinations: readonly Destination[], to: string): Destination {
  const wanted = to.trim().toLowerCase();
  const found = destinations.find((d) => d.id === to.trim() || d.name.toLowerCase() === wanted);
  if (found) return found;
  throw new AppError(
    'validation_error',
    destinations.length === 0
      ? 'This workspace has no publishing destinations: an admin adds one in Settings › Publishing (or POST /api/v1/publishing/destinations)'
      : `No publishing destination "${to}": choose one of ${destinations.map((d) => `"${d.name}"`).join(', ')}`,
  );
}

function outcomeLine(p: Publication): string {
  const where = `${p.destination.name} (${p.destination.kind})`;
  const at = p.remoteUrl ? `: ${p.remoteUrl}` : '';
  if (p.state === 'published') return `Published on ${where}${at}`;
  if (p.state === 'scheduled') return `Scheduled on ${where} for ${p.scheduledFor ?? '?'}${at}`;
  if (p.state === 'draft') return `Draft on ${where}${at}`;
  return `${p.state} on ${where}`;
}

export function registerPublishCommand(program: Command): void {
  program
    .command('publish')
    .description(
      'Publish a finished article to a WordPress or Ghost site of its workspace and print the post’s address',
    )
    .argument('<articleId>', 'the article (its id, as `generate --json` or the web app shows it)')
    .requiredOption('--to <destination>', 'the publishing destination: its name (any case) or id')
    .option('--draft', 'make it a draft on the site instead of publishing it')
    .option('--at <iso>', 'publish at this time (ISO 8601 with Z or an offset, at least 2 minutes ahead)')
    .option('--no-wait', 'return once the publish is queued (a running server sends it)')
    .option('--json', 'print the publication as JSON')
    .action(async (articleId: string, opts: PublishOptions) => {
      if (opts.draft && opts.at)
        throw new AppError('validation_error', '--at schedules a post to publish: leave out --draft');
      const config = await loadConfig();
      const { connectToApi } = await import('../server-connection.ts');
      const { sleep } = await import('../../sleep.ts');
      const api = await connectToApi(config, 'publish');
      try {
        if (!opts.wait && api.local)
          process.stderr.write(
            'No server holds the data directory: the publish runs when one (`serve` or `worker`) starts.\n',
          );
        const { items } = await api.json<{ items: Destination[] }>('GET', '/api/v1/publishing/destinations');
        const destination = destinationNamed(items, opts.to);
        let publication = await api
          .json<Publication>('POST', `/api/v1/articles/${encodeURIComponent(articleId)}/publish`, {
            destinationId: destination.id,
            status: opts.draft ? 'draft' : 'publish',
            ...(opts.at !== undefined ? { scheduledFor: opts.at } : {}),
          })
          .catch((err: unknown) => {
            throw inOptionTerms(err);
          });
        process.stderr.write(`Publishing to ${destination.name}…\n`);
        let told = publication.error;
        while (opts.wait && (publication.state === 'queued' || publication.state === 'publishing')) {
          await sleep(500);
          const { items: publications } = await api.json<{ items: Publication[] }>(
            'GET',
            `/api/v1/articles/${encodeURIComponent(articleId)}/publications`,
          );
          publication = publications.find((p) => p.id === publication.id) ?? publication;
          // An attempt that failed and will be tried again says so once.
          if (publication.error && publication.error !== told && publication.state === 'queued')
            process.stderr.write(`${publication.error}\n`);
          told = publication.error;
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(publication, null, 2)}\n`);
        if (publication.state === 'failed')
          throw new AppError(
            'internal_error',
            `Publishing to ${destination.name} failed: ${publication.error ?? 'no reason given'}`,
          );
        if (!opts.json)
          process.stdout.write(
            opts.wait ? `${outcomeLine(publication)}\n` : `Queued: publication ${publication.id}\n`,
          );
      } finally {
        await api.close();
      }
    });
}
