// Quality: the `blogsmith eval` runs of this workspace — models compared in a chart and a table,
// how the numbers are judged and what they cannot tell, and how to produce a run.
import { useState } from 'react';
import { api, when } from '../api.ts';
import { LoadMore, usePagedLoad } from '../components/LoadMore.tsx';
import { download, Empty, ErrorBox, Loading, useAction, usePageTitle } from '../ui.tsx';
import { ModelChart } from './quality/ModelChart.tsx';
import { costPerArticle, type EvalRun, fixed, percent, storm, tokens } from './quality/report.ts';

export function Quality() {
  usePageTitle('Quality');
  const runs = usePagedLoad(
    (cursor) => api('GET', '/api/v1/eval/reports', { query: { limit: 50, ...(cursor ? { cursor } : {}) } }),
    [],
  );
  const [chosen, setChosen] = useState<string>();
  const items = runs.data?.items ?? [];
  const run = items.find((r) => r.id === chosen) ?? items[0];

  return (
    <>
      <h1>Quality</h1>
      <p>
        How well each model writes grounded articles on your setup, measured by <code>blogsmith eval</code> on
        a fixed set of briefs and sources.
      </p>
      {runs.loading && !runs.data ? (
        <Loading />
      ) : runs.error ? (
        <ErrorBox error={runs.error} />
      ) : run ? (
        <>
          {items.length > 1 && (
            <div className="field run-picker">
              <label htmlFor="eval-run">Evaluation run</label>
              <select id="eval-run" value={run.id} onChange={(e) => setChosen(e.target.value)}>
                {items.map((r) => (
                  <option key={r.id} value={r.id}>
                    {when(r.startedAt)} · {r.models.length} model{r.models.length === 1 ? '' : 's'} · judge{' '}
                    {r.judge}
                  </option>
                ))}
              </select>
              <LoadMore list={runs} noun="run" />
            </div>
          )}
          {run.readable ? (
            <RunView run={run} />
          ) : (
            <p className="warning" role="status">
              The run of {when(run.startedAt)} was stored by another version of Blogsmith in a form this one
              cannot show. Read it with that version, or delete it (
              <code>DELETE /api/v1/eval/reports/{run.id}</code>).
            </p>
          )}
        </>
      ) : (
        <HowToRun />
      )}
      <HowJudgingWorks />
    </>
  );
}

type Summary = EvalRun['models'][number]['summary'];

// One row per measure, one column per model: a run compares a few models on many measures, which
// reads better (and fits a phone better) this way round.
const rows: Array<[string, (s: Summary) => string]> = [
  ['Articles (failed)', (s) => `${s.articles} (${s.failed})`],
  ['Citation recall', (s) => percent(s.citationRecall)],
  ['Citation precision', (s) => percent(s.citationPrecision)],
  ['Claims supported', (s) => percent(s.claimSupport)],
  ['Unsupported claims left / article', (s) => fixed(s.unsupportedClaimsPerArticle)],
  ['SEO score', (s) => fixed(s.seoScore, 0)],
  [
    'Readability (Flesch, English)',
    (s) => (s.fleschReadingEase === null ? 'not applicable' : fixed(s.fleschReadingEase)),
  ],
  ['Wall time / article', (s) => (s.wallSeconds === null ? '—' : `${fixed(s.wallSeconds)} s`)],
  ['Tokens in / out', (s) => `${tokens(s.inputTokens)} / ${tokens(s.outputTokens)}`],
  ['Cost / article', (s) => costPerArticle(s.costPerArticleUsd)],
];

function RunView({ run }: { run: EvalRun }) {
  const save = useAction();
  return (
    <section className="card" aria-labelledby="run-heading">
      <h2 id="run-heading">Run of {when(run.startedAt)}</h2>
      <p className="meta">
        {run.briefs} brief{run.briefs === 1 ? '' : 's'} per model · judged by <code>{run.judge}</code> ·
        finished {when(run.finishedAt)}
      </p>
      <ModelChart models={run.models} />
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than a phone scrolls; the keyboard must reach it */}
      <section className="table-wrap" tabIndex={0} aria-label="Every measure per model">
        <table className="measure-table">
          <caption className="sr-only">Every measure per model</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              {run.models.map(({ model }) => (
                <th scope="col" key={model} className="break">
                  {model}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, cell]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {run.models.map(({ model, summary }) => (
                  <td key={model}>{cell(summary)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {run.models.some((m) => (m.summary.unjudged ?? 0) > 0) && (
        <p className="meta">
          Some written articles could not be scored because the judge failed: they count in time, tokens and
          cost but not in the shares, and are not failures of the model.
        </p>
      )}
      {run.models.some((m) => m.summary.failed > 0) && (
        <p className="meta">
          Failed articles count in time, tokens and cost but not in the shares; the full report says why each
          failed.
        </p>
      )}
      <div className="actions">
        <button
          type="button"
          className="secondary"
          disabled={save.busy}
          onClick={() =>
            save.run(() =>
              download(`/api/v1/eval/reports/${encodeURIComponent(run.id)}`, `eval-report-${run.id}.json`),
            )
          }
        >
          Download the full report (JSON)
        </button>
      </div>
      <ErrorBox error={save.error} />
    </section>
  );
}

function HowToRun() {
  return (
    <section className="card" aria-labelledby="how-to-run-heading">
      <h2 id="how-to-run-heading">No evaluation runs yet</h2>
      <Empty>
        <p>
          Run the evaluation on the machine where Blogsmith is installed; each run is stored in this workspace
          and shown here.
        </p>
        <pre className="command">
          <code>blogsmith eval --briefs 3</code>
        </pre>
        <p>
          Compare models with <code>--model provider:model</code> (repeat it), and pick a stronger judge than
          the writers with <code>--judge provider:model</code>. Without <code>--model</code> the configured
          writer model is evaluated. Each article takes as long as a normal one.
        </p>
      </Empty>
    </section>
  );
}

function HowJudgingWorks() {
  return (
    <section className="card" aria-labelledby="judging-heading">
      <h2 id="judging-heading">How judging works, and its limits</h2>
      <p>
        Each model writes every brief of the evaluation set from the same sources, with fact-checking and SEO
        on. A judge model then reads each finished article against those sources:
      </p>
      <ul>
        <li>
          <strong>Citation recall</strong>: the share of the article’s statements whose citations, taken
          together, support them. A statement without a citation counts as unsupported.
        </li>
        <li>
          <strong>Citation precision</strong>: the share of citations whose source alone supports the sentence
          it is attached to.
        </li>
        <li>
          <strong>Claims supported</strong>: the judge splits the text into atomic claims and checks each
          against the sources; the table also shows how many unsupported claims each article still had after
          the pipeline’s own revision.
        </li>
        <li>
          SEO score, readability (English Flesch; other languages are marked not applicable), wall time,
          tokens and cost come from the pipeline itself, not from the judge.
        </li>
      </ul>
      <p>
        For scale: STORM reports citation recall {storm.recall} % and precision {storm.precision} % with a
        GPT-3.5-class writer.
      </p>
      <p>
        Limits: the judge is a language model and makes mistakes of its own. A judge from the same family as
        the writer tends to be lenient with it, so prefer a different, stronger judge. The set is small, so
        differences of a few points between models are within noise; the numbers describe your models on these
        briefs, not on your own topics.
      </p>
    </section>
  );
}
