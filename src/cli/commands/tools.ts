// `blogsmith tools` lists the short-form tool templates; `blogsmith tool <id> --field value…` runs one
// and prints its variants; `blogsmith remix <articleId> --format x-thread` remixes a stored article.
// All three are clients of the API, like `generate`: the server holding the data directory, or one
// started in this process. What the text is goes to stdout; its limits, repairs and cost to stderr.
import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { loadConfig } from '../load-config.ts';
import { checkOptions, positiveInteger } from '../option-parsers.ts';

interface CallUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  estimated: boolean;
}

interface Repair {
  index: number;
  field: string;
  message: string;
}

const costLine = (u: CallUsage) =>
  `${u.model}: ${u.inputTokens} tokens in, ${u.outputTokens} out${u.estimated ? ' (estimated)' : ''}, ${
    u.costUsd === null ? 'price unknown' : `$${u.costUsd.toFixed(4)}`
  }`;

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `--name value` and `--name=value` pairs as a template's fields (`--call-to-action` is callToAction). */
function fieldValues(args: readonly string[], fields: ReadonlyArray<{ name: string; kind: string }>) {
  const byFlag = new Map(fields.map((f) => [`--${kebab(f.name)}`, f]));
  const values: Record<string, unknown> = {};
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const field = byFlag.get(flag);
    if (!field)
      throw new AppError(
        'validation_error',
        `${arg} is not an option of this tool; it takes ${[...byFlag.keys()].join(', ')} (and --json)`,
      );
    const value = inline ?? args[++i];
    if (value === undefined) throw new AppError('validation_error', `${flag} needs a value`);
    values[field.name] = field.kind === 'integer' && /^\d+$/.test(value) ? Number(value) : value;
    flags[field.name] = flag;
  }
  return { values, flags };
}

async function withApi<T>(
  command: string,
  work: (api: import('../server-connection.ts').ApiConnection) => Promise<T>,
) {
  const config = await loadConfig();
  const { connectToApi } = await import('../server-connection.ts');
  const api = await connectToApi(config, command);
  try {
    return await work(api);
  } finally {
    await api.close();
  }
}

function printRepairs(repairs: readonly Repair[]) {
  for (const r of repairs) process.stderr.write(`Repaired: ${r.message}\n`);
}

export function registerToolCommands(program: Command) {
  program
    .command('tools')
    .description('List the short-form tool templates and the options each takes')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { toolTemplates } = await import('../../tools/registry.ts');
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(
            toolTemplates.map((t) => ({
              id: t.id,
              name: t.name,
              description: t.description,
              fields: t.fields,
            })),
            null,
            2,
          )}\n`,
        );
        return;
      }
      for (const t of toolTemplates) {
        process.stdout.write(`${t.id.padEnd(17)} ${t.description}\n`);
        for (const f of t.fields)
          process.stdout.write(
            `  --${kebab(f.name)}${f.options ? ` ${f.options.join('|')}` : ''}${f.required ? ' (required)' : ''}${f.default !== undefined ? ` (default ${f.default})` : ''}\n`,
          );
      }
    });

  program
    .command('tool')
    .description(
      'Run a short-form tool template, e.g. `blogsmith tool social-post --topic "…" --platform linkedin` (see `blogsmith tools`)',
    )
    .argument('<id>', 'the template, e.g. social-post, email, ad-copy, titles, rewrite')
    .option('--json', 'print the whole response as JSON')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      const { toolTemplate } = await import('../../tools/registry.ts');
      const template = toolTemplate(id);
      const { values, flags } = fieldValues(command.args.slice(1), template.fields);
      const body = checkOptions(template.body, values, flags);
      const result = await withApi('tool', (api) =>
        api.json<{
          variants: Array<Record<string, string>>;
          limits: Array<{ field: string; max: number; unit: string }>;
          repairs: Repair[];
          usage: CallUsage;
        }>('POST', `/api/v1/tools/${id}/generate`, body),
      );
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const labels = new Map(template.outputFields.map((f) => [f.name, f.label]));
      const several = template.outputFields.length > 1;
      result.variants.forEach((variant, i) => {
        if (result.variants.length > 1) process.stdout.write(`${i > 0 ? '\n' : ''}--- ${i + 1} ---\n`);
        for (const [name, text] of Object.entries(variant))
          process.stdout.write(several ? `${labels.get(name) ?? name}: ${text}\n` : `${text}\n`);
      });
      printRepairs(result.repairs);
      process.stderr.write(`${costLine(result.usage)}\n`);
    });

  program
    .command('remix')
    .description(
      'Remix a stored article into an X thread, a LinkedIn post, a newsletter, a video script or slides',
    )
    .argument('<articleId>', 'the article (as the library or `blogsmith generate --json` shows it)')
    .requiredOption('--format <format>', 'x-thread, linkedin, newsletter, video-script or slides')
    .option('--posts <n>', 'x-thread: about how many posts (default 8)', positiveInteger('--posts'))
    .option('--no-numbered', 'x-thread: no " n/N" at the end of each post')
    .option('--slides <n>', 'slides: how many (default 10)', positiveInteger('--slides'))
    .option('--minutes <n>', 'video-script: length in minutes (default 3)', positiveInteger('--minutes'))
    .option('--brand-voice <id>', "a brand voice id, or none (default: the article's own)")
    .option('--audience <text>', 'who it is for')
    .option('--tone <text>', 'e.g. playful, formal')
    .option('--instruction <text>', 'what to emphasise, e.g. "focus on the costs"')
    .option('--language <tag>', "language to write in (default: the article's)")
    .option('--json', 'print the whole response as JSON')
    .action(
      async (
        articleId: string,
        opts: {
          format: string;
          posts?: number;
          numbered: boolean;
          slides?: number;
          minutes?: number;
          brandVoice?: string;
          audience?: string;
          tone?: string;
          instruction?: string;
          language?: string;
          json?: boolean;
        },
      ) => {
        const body = {
          format: opts.format,
          ...(opts.posts !== undefined && { posts: opts.posts }),
          // Only when turned off: the option belongs to threads alone, and the API refuses it elsewhere.
          ...(!opts.numbered && { numbered: false }),
          ...(opts.slides !== undefined && { slides: opts.slides }),
          ...(opts.minutes !== undefined && { minutes: opts.minutes }),
          ...(opts.brandVoice !== undefined && {
            brandVoiceId: opts.brandVoice === 'none' ? null : opts.brandVoice,
          }),
          ...(opts.audience !== undefined && { audience: opts.audience }),
          ...(opts.tone !== undefined && { tone: opts.tone }),
          ...(opts.instruction !== undefined && { instruction: opts.instruction }),
          ...(opts.language !== undefined && { language: opts.language }),
        };
        const result = await withApi('remix', (api) =>
          api.json<{ text: string; condensed: boolean; repairs: Repair[]; usage: CallUsage }>(
            'POST',
            `/api/v1/articles/${encodeURIComponent(articleId)}/remix`,
            body,
          ),
        );
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${result.text}\n`);
        if (result.condensed) process.stderr.write("The article was condensed to fit the model's context.\n");
        printRepairs(result.repairs);
        process.stderr.write(`${costLine(result.usage)}\n`);
      },
    );
}
