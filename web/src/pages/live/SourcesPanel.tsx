// Sources as they are found.
import type { Source } from '../../api.ts';
import { SourceItem } from './SourceItem.tsx';

export function SourcesPanel({ sources, finished }: { sources: Source[]; finished: boolean }) {
  return (
    <section className="card" aria-labelledby="sources-heading">
      <h2 id="sources-heading">Sources ({sources.length})</h2>
      {sources.length === 0 ? (
        <p className="hint">
          {finished ? 'No sources: the article is ungrounded.' : 'Sources appear as they are found.'}
        </p>
      ) : (
        <ol className="sources">
          {sources.map((s) => (
            <SourceItem key={s.n} source={s} />
          ))}
        </ol>
      )}
    </section>
  );
}
