// `blogsmith eval`: the quality lab. Runs the shipped evaluation set (eval/briefs) per model and
// writes a Markdown and JSON report; see src/eval/ for how articles are judged.
import type { Command } from 'commander';

interface EvalCommandOptions {
  model: string[];
  judge?: string;
  briefs?: string;
  out: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerEvalCommand(program: Command) {
  program
    .command('eval')
    .description('Measure citation precision/recall, claim support, SEO, time and cost per model')
    .option(
      '--model <provider:model>',
      'model under test (repeat for several); default LLM_MODEL',
      collect,
      [],
    )
    .option(
      '--judge <provider:model>',
      'model that judges the articles; default LLM_CHECKER_MODEL or LLM_MODEL',
    )
    .option('--briefs <n>', 'use only the first n briefs of the set')
    .option('--out <dir>', 'folder for eval-report.md and eval-report.json', 'eval-results')
    .action(async (opts: EvalCommandOptions) => {
      // Loaded here: the pipeline, the SDKs and the parsers are heavy and `--help` must stay fast.
      const [{ loadEvalCases }, { runEval }, { writeReport }, { cliLogger }, { AppError }] =
        await Promise.all([
          import('../../eval/dataset.ts'),
          import('../../eval/run.ts'),
          import('../../eval/report.ts'),
          import('../cli-logger.ts'),
          import('../../errors.ts'),
        ]);
      const limit = opts.briefs === undefined ? undefined : Number(opts.briefs);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
        throw new AppError('validation_error', '--briefs takes a whole number greater than 0');
      }
      const cases = loadEvalCases(undefined, limit);
      const models = opts.model;
      const total = Math.max(1, models.length) * cases.length;
      const out = process.stderr;
      const bar = (done: number) => {
        const width = 30;
        const filled = Math.round((done / total) * width);
        return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
      };
      out.write(`Evaluating ${Math.max(1, models.length)} model(s) on ${cases.length} briefs\n`);
      const report = await runEval({
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
      const files = writeReport(report, opts.out);
      out.write(`Report: ${files.markdown}\n        ${files.json}\n`);
    });
}
