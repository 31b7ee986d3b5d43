// `blogsmith eval`: the quality lab. Runs the shipped evaluation set (eval/briefs) per model and
// writes a Markdown and JSON report; see src/eval/ for how articles are judged.
import type { Command } from 'commander';
import type { EvalReport } from '../../eval/report-schema.ts';
import { checkWritableFolder, count, modelName, positiveInteger, share } from '../option-parsers.ts';

interface EvalCommandOptions {
  model: string[];
  judge?: string;
  briefs?: number;
  out: string;
  /** false with --no-store: keep the report out of the workspace (files only). */
  store: boolean;
  minCitationRecall?: number;
  minCitationPrecision?: number;
  minClaimSupport?: number;
  maxFailed?: number;
}

const collectModels = (value: string, previous: string[]) => [...previous, modelName('--model')(value)];

/**
 * Stores the report in the workspace of the configured data (through the running server, or one
 * started in this process), for the web app's Quality page. The files are written already, so a
 * failure here is reported, not fatal.
 */
async function storeReport(report: EvalReport, log: (line: string) => void) {
  const [{ loadConfig }, { connectToApi }] = await Promise.all([
    import('../load-config.ts'),
    import('../server-connection.ts'),
  ]);
  try {
    const api = await connectToApi(await loadConfig(), 'eval');
    try {
      const stored = await api.json<{ id: string }>('POST', '/api/v1/eval/reports', report);
      log(`Stored in the workspace (report ${stored.id}): open Quality in the web app.`);
    } finally {
      await api.close();
    }
  } catch (err) {
    log(`Not stored in the workspace: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function registerEvalCommand(program: Command) {
  program
    .command('eval')
    .description('Measure citation precision/recall, claim support, SEO, time and cost per model')
    .option(
      '--model <provider:model>',
      'model under test (repeat for several); default LLM_MODEL',
      collectModels,
      [],
    )
    .option(
      '--judge <provider:model>',
      'model that judges the articles; default LLM_CHECKER_MODEL or LLM_MODEL',
      modelName('--judge'),
    )
    .option('--briefs <n>', 'use only the first n briefs of the set', positiveInteger('--briefs'))
    .option('--out <dir>', 'folder for eval-report.md and eval-report.json', 'eval-results')
    .option('--no-store', "don't store the report in the workspace (the web app's Quality page)")
    .option(
      '--min-citation-recall <share>',
      'exit 1 when a model is below it (0 to 1)',
      share('--min-citation-recall'),
    )
    .option(
      '--min-citation-precision <share>',
      'exit 1 when a model is below it (0 to 1)',
      share('--min-citation-precision'),
    )
    .option(
      '--min-claim-support <share>',
      'exit 1 when a model is below it (0 to 1)',
      share('--min-claim-support'),
    )
    .option(
      '--max-failed <n>',
      'exit 1 when a model fails (or its judge cannot score) more articles than this',
      count('--max-failed'),
    )
    .action(async (opts: EvalCommandOptions) => {
      // Refused before the first article is paid for, not after the last.
      checkWritableFolder('--out', opts.out);
      // Loaded here: the pipeline, the SDKs and the parsers are heavy and `--help` must stay fast.
      const [{ loadEvalCases }, { runEval }, { writeReport }, { cliLogger }] = await Promise.all([
        import('../../eval/dataset.ts'),
        import('../../eval/run.ts'),
        import('../../eval/report.ts'),
        import('../cli-logger.ts'),
      ]);
      const cases = loadEvalCases(undefined, opts.briefs);
      const models = opts.model;
      const total = Math.max(1, models.length) * cases.length;
      const out = process.stderr;
      const bar = (done: number) => {
        const width = 30;
        const filled = Math.round((done / total) * width);
        return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
      };
      out.write(`Evaluating ${Math.max(1, models.length)} model(s) on ${cases.length} briefs\n`);
      // The first Ctrl-C stops after the article being written and keeps what finished; a second stops at once.
      const stop = new AbortController();
      process.once('SIGINT', () => {
        out.write('Stopping after the article being written (Ctrl-C again to stop now)\n');
        stop.abort();
        process.once('SIGINT', () => process.exit(130));
      });
      const report = await runEval({
        signal: stop.signal,
        models,
        ...(opts.judge ? { judge: opts.judge } : {}),
        cases,
        env: process.env,
        logger: cliLogger('error'),
        onProgress: ({ model, caseId, done, result }) => {
          const what =
            result.status === 'completed' ? `${result.wallSeconds.toFixed(1)} s` : `failed: ${result.error}`;
          out.write(`${bar(done)} ${model} ${caseId} ${what}\n`);
        },
      });
      if (report.models.length === 0) {
        out.write('Stopped before any article was finished: no report written.\n');
        process.exitCode = 130;
        return;
      }
      const files = writeReport(report, opts.out);
      out.write(`Report: ${files.markdown}\n        ${files.json}\n`);
      if (opts.store) await storeReport(report, (line) => out.write(`${line}\n`));
      // A model none of whose articles was written measured nothing (a wrong key, a server down):
      // a script or CI job running this must not take it for a result.
      const failed = report.models.filter((m) => m.articles.every((a) => a.status === 'failed'));
      if (failed.length > 0) {
        out.write(
          `Every article failed for ${failed.map((m) => m.model).join(', ')}: see the report for why.\n`,
        );
        process.exitCode = 1;
      }
      if (report.interrupted) {
        out.write(
          `Stopped: the report holds the ${report.models.reduce((n, m) => n + m.articles.length, 0)} articles finished.\n`,
        );
        process.exitCode = 130;
        return;
      }
      const { missedThresholds } = await import('../../eval/thresholds.ts');
      const missed = missedThresholds(report, opts);
      if (missed.length > 0) {
        out.write(`Below the bars set:\n${missed.map((line) => `  ${line}`).join('\n')}\n`);
        process.exitCode = 1;
      }
    });
}
