// One numbered source with its link (http(s) only) and excerpt.
import type { Source } from '../../api.ts';

export function SourceItem({ source }: { source: Source }) {
  return (
    <li id={`source-${source.n}`} value={source.n} className="source">
      <strong className="break">
        [{source.n}]{' '}
        {source.url && /^https?:\/\//.test(source.url) ? (
          <a href={source.url} target="_blank" rel="noopener noreferrer nofollow">
            {source.title || source.url}
          </a>
        ) : (
          source.title
        )}
      </strong>
      {(source.page || source.headingPath?.length) && (
        <span className="meta">
          {' '}
          {source.headingPath?.join(' › ')}
          {source.page ? ` · page ${source.page}` : ''}
        </span>
      )}
      <blockquote className="excerpt">{source.excerpt}</blockquote>
    </li>
  );
}
