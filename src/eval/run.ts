// `blogsmith eval`: runs the evaluation set through the real pipeline once per model, each in its own
// embedded in-memory database (nothing touches DATA_DIR), and scores every article with the judge.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { createUser } from '../accounts/users.ts';
import { articleById } from '../articles/article-store.ts';
import { articleView } from '../articles/article-view.ts';
import { createArticle } from '../articles/service.ts';
import type { ArticleSource } from '../articles/types.ts';
import { type Config, loadConfig } from '../config.ts';
import { AppError, errorMessage } from '../errors.ts';
import { registerJobs } from '../jobs/register.ts';
import { getDocument } from '../knowledge/document-store.ts';
import { ingestionDeps } from '../knowledge/ingest-job.ts';
import { submitDocument } from '../knowledge/ingestion.ts';
import { createLlmGateway } from '../llm/gateway.ts';
import { purposeSpend } from '../llm/ledger-store.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import type { EvalCase } from './dataset.ts';
import { judgeArticle, judgeLlm } from './judge.ts';
import { scoreArticle, summarise } from './metrics.ts';
import type { ArticleResult, EvalReport } from './report-schema.ts';

export interface EvalOptions {
  /** `provider:model` per model under test; empty means the configured LLM_MODEL. */
  models: string[];
  /** `provider:model` of the judge; default the configured checker model. */
  judge?: string;
  cases: EvalCase[];
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Longest wait for one article (slow local models need long). */
  articleTimeoutMs?: number;
  /**
   * Aborted (the first Ctrl-C): no article is started after the one being written, and the report
   * holds what was finished, marked `interrupted` — paid-for results are not thrown away.
   */
  signal?: AbortSignal;
  onProgress?: (p: {
    model: string;
    caseId: string;
    done: number;
    total: number;
    result: ArticleResult;
  }) => void;
}

// Every role of the run uses the model under test; empty values fall back to LLM_MODEL (config.ts).
const modelEnv = (env: NodeJS.ProcessEnv, model: string | undefined): NodeJS.ProcessEnv => ({
  ...env,
  ...(model && {
    LLM_MODEL: model,
    LLM_PLANNER_MODEL: '',
    LLM_WRITER_MODEL: '',
    LLM_CHECKER_MODEL: '',
    LLM_FALLBACK_MODELS: '',
  }),
  DATABASE_URL: '',
  REDIS_URL: '',
  // Its workspace lives in memory for this run alone: the server's monthly budget is not its to
  // spend, and would refuse a model under test that has no price (its cost is reported unknown).
  LLM_MONTHLY_BUDGET_USD: '',
});

// The report keeps a failure's reason short: it is stored in the workspace and shown in the web app.
const errorText = (message: string) => message.slice(0, 2000);

async function waitFor<T>(read: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not finish within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

async function runCase(
  runtime: Runtime,
  owner: { workspaceId: string; userId: string },
  c: EvalCase,
  judge: ReturnType<typeof judgeLlm>,
  timeoutMs: number,
): Promise<ArticleResult> {
  const documents: string[] = [];
  for (const source of c.sources) {
    const { document } = await submitDocument(ingestionDeps(runtime), {
      workspaceId: owner.workspaceId,
      bytes: source.bytes,
      filename: source.filename,
      sourceKind: 'upload',
    });
    const ready = await waitFor(
      async () => {
        const d = await getDocument(runtime.database, owner.workspaceId, document.id);
        return d && (d.status === 'ready' || d.status === 'failed') ? d : undefined;
      },
      timeoutMs,
      `ingestion of ${source.filename}`,
    );
    if (ready.status !== 'ready') throw new Error(`${source.filename}: ${ready.error ?? 'ingestion failed'}`);
    documents.push(document.id);
  }
  const t0 = performance.now();
  const { article } = await createArticle({ ...runtime }, owner, {
    ...c.brief,
    research: { documents, web: false },
    factCheck: true,
    seo: true,
  });
  const spent = async () => {
    const wallSeconds = (performance.now() - t0) / 1000;
    await runtime.llm.flush();
    const ledger = await purposeSpend(runtime.database, article.id);
    return {
      wallSeconds,
      inputTokens: ledger.inputTokens,
      outputTokens: ledger.outputTokens,
      costUsd: ledger.unpricedCalls > 0 ? null : ledger.costUsd,
    };
  };
  let row: NonNullable<Awaited<ReturnType<typeof articleById>>>;
  try {
    row = await waitFor(
      async () => {
        const r = await articleById(runtime.database, article.id);
        return r && (r.status === 'completed' || r.status === 'failed') ? r : undefined;
      },
      timeoutMs,
      `the article for ${c.id}`,
    );
  } catch (err) {
    // Timed out: what it spent until then was spent (it was reported as $0 in 0 s).
    return { caseId: c.id, status: 'failed', error: errorText(errorMessage(err)), ...(await spent()) };
  }
  const { wallSeconds, ...spend } = await spent();
  const view = await articleView(runtime.database, row);
  if (row.status !== 'completed') {
    return {
      caseId: c.id,
      status: 'failed',
      error: errorText(row.error ?? 'failed'),
      wallSeconds,
      ...spend,
    };
  }
  // The judge failing is not the article failing: it was written (and paid for) by the model under
  // test, which a failed status and $0 blamed; it is kept unscored, with why.
  let judged: Awaited<ReturnType<typeof judgeArticle>> | undefined;
  let judgeError: string | undefined;
  try {
    judged = await judgeArticle(judge, row.markdown, row.sources as ArticleSource[], view.brief.language);
  } catch (err) {
    judgeError = errorText(err instanceof Error ? err.message : String(err));
  }
  return {
    caseId: c.id,
    status: 'completed',
    ...(judged
      ? { scores: scoreArticle(judged.statements, judged.claims) }
      : { judgeError: judgeError ?? '' }),
    ...(view.seo && {
      seoScore: view.seo.score,
      // The column compares models on one scale: English Flesch; other formulas are not mixed in.
      ...(view.seo.readability.formula === 'flesch' &&
        view.seo.readability.readingEase !== null && {
          fleschReadingEase: view.seo.readability.readingEase,
        }),
    }),
    wallSeconds,
    ...spend,
  };
}

export async function runEval(opts: EvalOptions): Promise<EvalReport> {
  const startedAt = new Date().toISOString();
  const base: Config = loadConfig(modelEnv(opts.env, undefined));
  const judgeModel = opts.judge ?? base.LLM_CHECKER_MODEL ?? base.LLM_MODEL;
  // The lab runs on a database of its own, without the workspace's LLM settings: with no model named
  // here every article would fail the same way, one after another.
  const models = opts.models.length > 0 ? opts.models : base.LLM_MODEL ? [base.LLM_MODEL] : [];
  if (models.length === 0)
    throw new AppError(
      'validation_error',
      'No model to evaluate: pass --model provider:model or set LLM_MODEL',
    );
  if (!judgeModel)
    throw new AppError(
      'validation_error',
      'No model to judge the articles: pass --judge provider:model or set LLM_CHECKER_MODEL or LLM_MODEL',
    );
  const judgeGateway = createLlmGateway({
    config: loadConfig(modelEnv(opts.env, judgeModel)),
    logger: opts.logger,
  });
  const judge = judgeLlm(judgeGateway);
  const total = models.length * opts.cases.length;
  let done = 0;
  const report: EvalReport = {
    startedAt,
    finishedAt: startedAt,
    judge: judgeModel,
    cases: opts.cases.map((c) => c.id),
    models: [],
  };
  for (const model of models) {
    if (opts.signal?.aborted) break;
    const config = loadConfig(modelEnv(opts.env, opts.models.length > 0 ? model : undefined));
    const runtime = await createRuntime(config, {
      logger: opts.logger,
      dataDir: 'memory://',
      command: 'eval',
    });
    const articles: ArticleResult[] = [];
    try {
      registerJobs(runtime);
      await runtime.queue.start({ work: true });
      const { user, workspace } = await createUser(runtime.database, {
        email: 'eval@blogsmith.invalid',
        password: randomBytes(16).toString('hex'),
        workspaceName: `eval ${model}`,
      });
      for (const c of opts.cases) {
        if (opts.signal?.aborted) break;
        let result: ArticleResult;
        try {
          result = await runCase(
            runtime,
            { workspaceId: workspace.id, userId: user.id },
            c,
            judge,
            opts.articleTimeoutMs ?? 30 * 60_000,
          );
        } catch (err) {
          const error = errorText(err instanceof Error ? err.message : String(err));
          result = {
            caseId: c.id,
            status: 'failed',
            error,
            wallSeconds: 0,
            inputTokens: 0,
            outputTokens: 0,
            costUsd: 0,
          };
        }
        articles.push(result);
        opts.onProgress?.({ model, caseId: c.id, done: ++done, total, result });
      }
    } finally {
      await runtime.close();
    }
    if (articles.length > 0) report.models.push({ model, summary: summarise(articles), articles });
  }
  report.finishedAt = new Date().toISOString();
  if (opts.signal?.aborted) report.interrupted = true;
  return report;
}
