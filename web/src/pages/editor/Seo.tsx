// Editor › SEO: score, meta, readability and each issue with its fix.
import type { Article } from '../../api.ts';
import { Empty } from '../../ui.tsx';

type Readability = NonNullable<Article['seo']>['readability'];

const formulaNames: Record<NonNullable<Readability['formula']>, string> = {
  flesch: 'Flesch reading ease',
  amstad: 'Flesch-Amstad reading ease',
  'kandel-moles': 'Kandel–Moles reading ease',
  'szigriszt-pazos': 'Szigriszt-Pazos perspicuity',
};

const oneDecimal = (n: number) => Math.round(n * 10) / 10;

// The score of the formula made for the article's language, or "not applicable" with the reason.
function ReadabilityFacts({ readability }: { readability: Readability }) {
  return (
    <>
      <dt>{readability.formula ? formulaNames[readability.formula] : 'Readability'}</dt>
      <dd title={readability.notApplicable}>
        {readability.readingEase === null ? 'not applicable' : oneDecimal(readability.readingEase)}
      </dd>
      {readability.gradeLevel !== null && (
        <>
          <dt>grade level</dt>
          <dd>{oneDecimal(readability.gradeLevel)}</dd>
        </>
      )}
      <dt>avg sentence length</dt>
      <dd>{oneDecimal(readability.avgSentenceLength)} words</dd>
      {readability.notApplicable && (
        <>
          <dt>why not scored</dt>
          <dd>{readability.notApplicable}</dd>
        </>
      )}
    </>
  );
}

export function SeoPanel({ article }: { article: Article }) {
  const seo = article.seo;
  if (!seo) return <Empty>The SEO pack was off for this article.</Empty>;
  return (
    <div className="grid-2">
      <div>
        <p className="big-number">
          {Math.round(seo.score)}
          <span className="meta"> / 100 SEO score</span>
        </p>
        <dl className="facts">
          <dt>Meta title</dt>
          <dd className="break">{seo.metaTitle}</dd>
          <dt>Meta description</dt>
          <dd className="break">{seo.metaDescription}</dd>
          <dt>Keywords</dt>
          <dd>{seo.keywords.join(', ') || '—'}</dd>
          <ReadabilityFacts readability={seo.readability} />
        </dl>
      </div>
      <div>
        <h3>Issues</h3>
        {seo.issues.length === 0 ? (
          <Empty>No issues found.</Empty>
        ) : (
          <ul className="issues">
            {seo.issues.map((issue) => (
              <li key={issue.code + issue.message}>
                <strong>{issue.message}</strong>
                <p>Fix: {issue.fix}</p>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
