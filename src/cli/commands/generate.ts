// `blogsmith generate "<topic>"`: uploads the given files, starts a run through the API, shows the
// live step progress and running cost, and writes the Markdown (or the whole article as JSON).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { dataDirHolder } from '../../db/data-dir-lock.ts';
import { AppError } from '../../errors.ts';
import { sleep } from '../../sleep.ts';
import { idleMoment } from '../../when-idle.ts';
import { inOptionTerms } from '../brief-options.ts';
import { followEvents } from '../follow-events.ts';
import { loadConfig } from '../load-config.ts';
import { checkReadableFiles, checkWritableFile, positiveInteger } from '../option-parsers.ts';
import type { ApiConnection } from '../server-connection.ts';

interface GenerateOptions {
  words?: number;
  url: string[];
  file: string[];
  keywords?: string;
  audience?: string;
  tone?: string;
  title?: string;
  language?: string;
  heading: string[];
  brandVoice?: string;
  web?: boolean;
  webSources?: number;
  knowledge?: boolean;
  factCheck?: boolean;
  seo?: boolean;
  out?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The Markdown to `--out`; if that fails after all (the disk filled, the folder went), to stdout. */
function writeOut(out: string, markdown: string, articleId: string) {
  try {
    writeFileSync(out, markdown);
    process.stderr.write(`Wrote ${out}\n`);
  } catch (err) {
    process.stdout.write(markdown);
    throw new AppError(
      'internal_error',
      `Could not write ${out} (${(err as NodeJS.ErrnoException).code ?? err}): the Markdown went to stdout instead; the article is kept as ${articleId}`,
    );
  }
}

interface DocumentView {
  id: string;
  title: string;
  status: string;
  progress: number;
  error: string | null;
}

async function uploadFiles(
  api: ApiConnection,
  files: string[],
  log: (line: string) => void,
): Promise<string[]> {
  const ids: string[] = [];
  for (const file of files) {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(file)]), path.basename(file));
    const document = await api.json<DocumentView>('POST', '/api/v1/documents', form);
    let current = document;
    while (current.status === 'queued' || current.status === 'processing') {
      await sleep(200);
      current = await api.json<DocumentView>('GET', `/api/v1/documents/${document.id}`);
    }
    if (current.status !== 'ready') {
      throw new AppError('validation_error', `${file}: ${current.error ?? `ingestion ${current.status}`}`);
    }
    log(`Added ${path.basename(file)} to the library as "${current.title}"`);
    ids.push(current.id);
  }
  return ids;
}

export function registerGenerateCommand(program: Command) {
  program
    .command('generate')
    .description('Research and write an article, showing live progress; prints or saves the Markdown')
    .argument('<topic>', 'what the article is about')
    .option('--words <n>', 'target length in words (default 1500)', positiveInteger('--words'))
    .option('--url <url>', 'a web page to use as a source (repeatable)', collect, [])
    .option('--file <path>', 'a document to add to the library and use as a source (repeatable)', collect, [])
    .option('--keywords <k1,k2>', 'SEO keywords, primary first')
    .option('--audience <text>', 'who the article is for')
    .option('--tone <text>', 'voice of the article')
    .option('--title <text>', 'working title (generated from the topic when left out)')
    .option('--language <tag>', 'language of the article as a BCP 47 tag, e.g. de or pt-BR (default en)')
    .option('--heading <text>', 'a section heading to write, in order (repeatable)', collect, [])
    .option('--brand-voice <id>', 'id of a workspace brand voice to write in (GET /api/v1/brand-voices)')
    .option('--web', 'search the web for sources (needs a search provider)')
    .option(
      '--web-sources <n>',
      'web pages to keep at most, 1–20 (default 10); implies --web',
      positiveInteger('--web-sources'),
    )
    .option('--knowledge', "search the workspace's knowledge base for sources")
    .option('--no-fact-check', 'skip the fact check')
    .option('--no-seo', 'skip the SEO pack')
    .option('--out <file>', 'write the Markdown here instead of stdout')
    .option('--json', 'print the whole article as JSON')
    .action(async (topic: string, opts: GenerateOptions) => {
      // The brief's language check and prompt need ICU's language data: loaded beside start-up.
      void import('../../input/language-data-warmup.ts').then((m) => m.warmLanguageData());
      // Checked before any work: a typo in a path must not cost a whole article.
      checkReadableFiles('--file', opts.file);
      if (opts.out) checkWritableFile('--out', opts.out);
      const config = await loadConfig();
      const { words, webSources } = opts;
      // Pages are read in an extractor process (src/research/extract-pool.ts). When this process will
      // run the job (no server holds the data directory), that process starts now and loads its parser
      // on another core while this one starts the API — not once the plan is answered, when the first
      // pages would wait for it (~0.1–0.2 s of this command here).
      const readsPages = opts.web || webSources !== undefined || opts.url.length > 0;
      if (readsPages && !dataDirHolder(config.DATA_DIR))
        void import('../../research/extract-pool.ts').then((m) => m.warmExtractors());
      // Loaded here: the server and its dependencies are heavy for `--help` and other commands.
      const { connectToApi } = await import('../server-connection.ts');
      const api = await connectToApi(config, 'generate');
      const { createRunProgress } = await import('../run-progress.ts');
      // The progress line counts the streamed text's tokens. Loaded on the first streamed text, the
      // tokenizer's tables (0.15 s on a quiet core, seconds on a loaded one) would stall this
      // process's event loop — and the in-process worker's next model call — in the middle of the
      // job; the server side no longer needs them (gateway-generate.ts), so they load here.
      const { loadTokenizer } = await import('../../llm/token-count.ts');
      loadTokenizer();
      const progress = createRunProgress(process.stderr);
      let articleId: string | undefined;
      // Ctrl-C (or a SIGTERM) cancels the run — the request is sent and answered, and the API closed,
      // before the process ends (it used to end first, so the run went on, its model calls paid for);
      // a second one ends the process at once.
      let stopping = false;
      const onSignal = () => {
        if (stopping) process.exit(130);
        stopping = true;
        progress.stop();
        process.stderr.write(
          `\n${articleId ? 'Cancelling the run…' : 'Stopping…'} (again to quit at once)\n`,
        );
        const cancelled = articleId
          ? api.request('POST', `/api/v1/articles/${articleId}/cancel`).then(() => {})
          : Promise.resolve();
        void cancelled
          .then(() => api.close())
          .then(
            () => process.stderr.write(articleId ? 'Cancelled.\n' : ''),
            (err: unknown) => process.stderr.write(`Could not cancel: ${String(err)}\n`),
          )
          .finally(() => process.exit(130));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        progress.log(`Using ${api.where}`);
        const documents = await uploadFiles(api, opts.file, progress.log);
        const accepted = await api
          .json<{ id: string }>('POST', '/api/v1/articles', {
            topic,
            ...(words !== undefined ? { words } : {}),
            ...(opts.keywords
              ? {
                  keywords: opts.keywords
                    .split(',')
                    .map((k) => k.trim())
                    .filter(Boolean),
                }
              : {}),
            ...(opts.audience ? { audience: opts.audience } : {}),
            ...(opts.tone ? { tone: opts.tone } : {}),
            ...(opts.title !== undefined ? { title: opts.title } : {}),
            ...(opts.language !== undefined ? { language: opts.language } : {}),
            ...(opts.heading.length > 0 ? { outline: opts.heading } : {}),
            ...(opts.brandVoice !== undefined ? { brandVoiceId: opts.brandVoice } : {}),
            research: {
              urls: opts.url,
              documents,
              web: !!opts.web || webSources !== undefined,
              knowledge: !!opts.knowledge,
              ...(webSources !== undefined ? { maxWebSources: webSources } : {}),
            },
            factCheck: opts.factCheck !== false,
            seo: opts.seo !== false,
          })
          .catch((err: unknown) => {
            throw inOptionTerms(err, opts.url);
          });
        articleId = accepted.id;
        const { defaultArticleWords } = await import('../../writing/brief.ts');
        progress.setPlannedWords(words ?? defaultArticleWords);
        progress.log(`Article ${accepted.id} queued`);
        // With the API in this process its worker starts the run on this thread: the event stream
        // (its request, the server's answer, parsing and drawing the first events) waits until the
        // run's first model request is out and the thread idles, instead of going before that
        // request. The stream starts from the article's first event either way.
        if (api.local) await idleMoment({ maxWaitMs: 1000 });
        // The outline declares the rest of the steps: their count is read once the sections' model
        // calls are under way (their first text, or a step finished), not as they are sent — with
        // the API in this process, reading the whole article then would hold up those requests.
        let outlined = false;
        const done = await followEvents(api, accepted.id, async (event) => {
          // With the job in this process, its extractor process (~90 MB) has no more pages to read
          // once the sources are gathered: it ends then, not after its idle time, while the
          // article is written.
          if (event.type === 'step.finished' && event.data.step === 'gather' && api.local && readsPages)
            void import('../../research/extract-pool.ts').then((m) => m.closeExtractors());
          if (event.type === 'step.finished' && event.data.step === 'outline') outlined = true;
          else if (outlined && (event.type === 'section.delta' || event.type === 'step.finished')) {
            outlined = false;
            const article = await api.json<{ steps: unknown[] }>('GET', `/api/v1/articles/${accepted.id}`);
            progress.setTotal(article.steps.length);
            // The Markdown export at the end runs in this process when the API does: its YAML writer
            // loads now, while the model writes the sections, not after the last call.
            if (api.local && !opts.json)
              void import('../../writing/render.ts').then((m) => m.warmFrontMatter()).catch(() => {});
          }
          progress.event(event);
        });
        progress.stop();
        if (done.status !== 'completed') {
          const article = await api.json<{ error: string | null }>('GET', `/api/v1/articles/${accepted.id}`);
          throw new AppError(
            'internal_error',
            `The article ${done.status}: ${article.error ?? 'no reason given'}`,
          );
        }
        if (opts.json) {
          const article = await api.json<unknown>('GET', `/api/v1/articles/${accepted.id}`);
          process.stdout.write(`${JSON.stringify(article, null, 2)}\n`);
        } else {
          const res = await api.request('GET', `/api/v1/articles/${accepted.id}/export?format=md`);
          const markdown = await res.text();
          if (opts.out) writeOut(opts.out, markdown, accepted.id);
          else process.stdout.write(markdown);
        }
      } finally {
        progress.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await api.close();
      }
    });
}
