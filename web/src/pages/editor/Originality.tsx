// Editor › originality: on request, what the saved text copies word for word (runs of 8+ words) from
// its sources, the workspace's other articles and the library; each copied passage shows its
// sentence in the text, quotations marked as such.
import { useState } from 'react';
import { type Article, api, type Json } from '../../api.ts';
import { Link } from '../../router.tsx';
import { Empty, ErrorBox, useAction } from '../../ui.tsx';
import { CiteButtons } from './CiteButtons.tsx';
import type { Place } from './FactCheck.tsx';

type Report = Json<'/api/v1/articles/{id}/originality', 'GET'>;
type Span = Report['spans'][number];

const percent = (share: number) => `${Math.round(share * 100)}%`;

function Origin({ span, onSelect }: { span: Span; onSelect: (n: number) => void }) {
  if (span.kind === 'source')
    return (
      <>
        {span.source.n === null ? 'a gathered source it does not cite' : 'source'}{' '}
        {span.source.n !== null && <CiteButtons sources={[span.source.n]} onSelect={onSelect} />}{' '}
        <span className="break">{span.source.title}</span>
      </>
    );
  if (span.kind === 'article')
    return (
      <>
        the article <Link to={`/articles/${span.article.id}`}>{span.article.title}</Link>
      </>
    );
  return <>the library document “{span.libraryDocument.title}”</>;
}

export function OriginalityPanel({
  article,
  dirty,
  onSelect,
  onLocate,
}: {
  article: Article;
  /** Unsaved edits: the check reads the saved text. */
  dirty: boolean;
  onSelect: (n: number) => void;
  onLocate: (place: Place) => void;
}) {
  const action = useAction();
  const [report, setReport] = useState<Report>();
  const check = () =>
    void action
      .run(() => api('GET', '/api/v1/articles/{id}/originality', { params: { id: article.id } }))
      .then((r) => r && setReport(r));

  return (
    <div className="originality">
      <p className="actions">
        <button type="button" onClick={check} disabled={action.busy}>
          {action.busy ? 'Checking…' : report ? 'Check originality again' : 'Check originality'}
        </button>
      </p>
      <p className="hint">
        Compares the saved text with its sources, your other articles and the knowledge library: runs of eight
        or more words they share.{dirty ? ' Save first to check your latest changes.' : ''}
      </p>
      <ErrorBox error={action.error} />
      {report && (
        <>
          <p className="big-number" data-testid="originality-score">
            {percent(report.score)}
            <span className="meta"> original</span>
          </p>
          <p className="meta">
            {report.copiedWords} of {report.totalWords} words copied
            {report.quotedWords > 0 ? ` · ${report.quotedWords} in quotations` : ''} · compared with{' '}
            {report.compared.sources} sources, {report.compared.articles} articles and{' '}
            {report.compared.passages} library passages
          </p>
          <h3>Copied passages</h3>
          {report.spans.length === 0 ? (
            <Empty>No run of eight or more words is shared with another text.</Empty>
          ) : (
            <ul className="claims" aria-label="Copied passages">
              {report.spans.map((span) => (
                <li key={`${span.kind}-${span.start}-${span.matched}`} className="claim">
                  {span.quoted && <span className="badge status-completed">quotation</span>}{' '}
                  <button
                    type="button"
                    className="link"
                    aria-label={`Show in the text: ${span.copied}`}
                    onClick={() => onLocate({ text: span.text, start: span.start, end: span.end })}
                  >
                    {span.copied}
                  </button>
                  <p className="meta">
                    {span.words} words from <Origin span={span} onSelect={onSelect} />: “{span.matched}”
                  </p>
                </li>
              ))}
            </ul>
          )}
          {report.spansLeftOut > 0 && <p className="meta">And {report.spansLeftOut} shorter passages.</p>}
          {report.similarArticles.length > 0 && (
            <>
              <h3>Most similar articles</h3>
              <ul>
                {report.similarArticles.map((a) => (
                  <li key={a.id}>
                    <Link to={`/articles/${a.id}`}>{a.title}</Link>{' '}
                    <span className="meta">{percent(a.jaccard)} of wording shared</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </div>
  );
}
