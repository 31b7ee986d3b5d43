// The evaluation report as Markdown (for people) and JSON (for scripts and the web app).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EvalReport } from './report-schema.ts';

const percent = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const fixed = (x: number | null, digits = 1) => (x === null ? '—' : x.toFixed(digits));
const usd = (x: number | null) => (x === null ? 'price unknown' : `$${x.toFixed(4)}`);

export function reportMarkdown(report: EvalReport): string {
  const lines = [
    '# Blogsmith evaluation',
    '',
    `${report.cases.length} briefs, judge \`${report.judge}\`, ${report.startedAt} → ${report.finishedAt}.`,
    'Anchor (STORM, GPT-3.5-class writer): citation recall 84.8 %, precision 85.2 %.',
    ...(report.interrupted
      ? ['', '**Interrupted** (Ctrl-C) before every brief was run: only the articles finished are counted.']
      : []),
    '',
    '| model | articles (failed) | citation recall | citation precision | claims supported | unsupported claims / article | SEO score | Flesch (English articles) | wall s / article | tokens in / out | cost / article |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { model, summary: s } of report.models) {
    lines.push(
      `| ${model} | ${s.articles} (${s.failed}) | ${percent(s.citationRecall)} | ${percent(s.citationPrecision)} | ${percent(s.claimSupport)} | ${fixed(s.unsupportedClaimsPerArticle)} | ${fixed(s.seoScore, 0)} | ${s.fleschReadingEase === null ? 'not applicable' : fixed(s.fleschReadingEase)} | ${fixed(s.wallSeconds)} | ${s.inputTokens} / ${s.outputTokens} | ${usd(s.costPerArticleUsd)} |`,
    );
  }
  const failures = report.models.flatMap((m) =>
    m.articles.filter((a) => a.status === 'failed').map((a) => `- ${m.model}, ${a.caseId}: ${a.error}`),
  );
  if (failures.length > 0) lines.push('', '## Failed articles', '', ...failures);
  const unjudged = report.models.flatMap((m) =>
    m.articles
      .filter((a) => a.status === 'completed' && a.judgeError !== undefined)
      .map((a) => `- ${m.model}, ${a.caseId}: ${a.judgeError}`),
  );
  if (unjudged.length > 0) lines.push('', '## Written but not scored (the judge failed)', '', ...unjudged);
  lines.push(
    '',
    "Citation recall: share of the article's statements whose citations together support them (a",
    'statement without a citation counts as unsupported). Citation precision: share of (sentence,',
    'source) pairs where that source alone supports the sentence. Claims: atomic claims extracted from',
    'the final text by the judge and checked against the sources. A judge from the same model family',
    'as the writer tends to be lenient; prefer a different, stronger judge.',
  );
  return `${lines.join('\n')}\n`;
}

export function writeReport(report: EvalReport, dir: string): { markdown: string; json: string } {
  mkdirSync(dir, { recursive: true });
  const markdown = path.join(dir, 'eval-report.md');
  const json = path.join(dir, 'eval-report.json');
  writeFileSync(markdown, reportMarkdown(report));
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  return { markdown, json };
}
