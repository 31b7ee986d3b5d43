// Editor › citations: each [n] with its source excerpt; unsupported ones highlighted.
import type { Article, Citation, Source } from '../../api.ts';
import { Empty } from '../../ui.tsx';
import { SourceItem } from '../live/SourceItem.tsx';
import { CiteButtons } from './CiteButtons.tsx';

export function CitationsPanel({
  article,
  selected,
  onSelect,
}: {
  article: Article;
  selected: number | null;
  onSelect: (n: number) => void;
}) {
  const byN = new Map(article.sources.map((s) => [s.n, s]));
  const source: Source | undefined = selected === null ? undefined : byN.get(selected);
  return (
    <div className="grid-2">
      <div>
        <h3>Sources</h3>
        {article.sources.length === 0 ? (
          <Empty>No sources: this article is not grounded.</Empty>
        ) : (
          <ol className="sources">
            {article.sources.map((s) => (
              <li key={s.n} value={s.n}>
                <button
                  type="button"
                  id={`cited-source-${s.n}`}
                  className={selected === s.n ? 'link selected' : 'link'}
                  aria-pressed={selected === s.n}
                  onClick={() => onSelect(s.n)}
                >
                  [{s.n}] {s.title}
                </button>
              </li>
            ))}
          </ol>
        )}
        {source && (
          <div className="card source-detail" aria-live="polite" data-testid="source-detail">
            <ol className="sources">
              <SourceItem source={source} />
            </ol>
          </div>
        )}
      </div>
      <div>
        <h3>Cited sentences</h3>
        {article.citations.length === 0 ? (
          <Empty>No citations were checked.</Empty>
        ) : (
          <ul className="citations">
            {article.citations.map((c: Citation, i) => (
              <li
                // biome-ignore lint/suspicious/noArrayIndexKey: the same sentence may be cited more than once
                key={i}
                className={c.supported ? 'supported' : 'unsupported'}
              >
                <span className={`badge ${c.supported ? 'status-completed' : 'status-failed'}`}>
                  {c.supported ? 'supported' : 'unsupported'}
                </span>{' '}
                {c.sentence} <CiteButtons sources={c.sources} onSelect={onSelect} />
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
