// Editor › SEO: score, meta, readability and each issue with its fix.
import type { Article } from '../../api.ts';
import { Empty } from '../../ui.tsx';

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
          {Object.entries(seo.readability ?? {}).map(([k, v]) => (
            <div key={k}>
              <dt>{k.replace(/([A-Z])/g, ' $1').toLowerCase()}</dt>
              <dd>{typeof v === 'number' ? Math.round(v * 10) / 10 : String(v)}</dd>
            </div>
          ))}
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
