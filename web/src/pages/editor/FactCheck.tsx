// Editor › fact check: the claims and their verdicts.
import type { Article } from '../../api.ts';
import { Empty } from '../../ui.tsx';
import { CiteButtons } from './CiteButtons.tsx';

export function FactCheckPanel({ article, onSelect }: { article: Article; onSelect: (n: number) => void }) {
  if (!article.factCheck) return <Empty>Fact checking was off for this article.</Empty>;
  if (article.factCheck.claims.length === 0) return <Empty>No checkable claims were found.</Empty>;
  const known = new Set(article.sources.map((s) => s.n));
  return (
    <ul className="claims">
      {article.factCheck.claims.map((c, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: claims have no id and may repeat
        <li key={i} className={`claim verdict-${c.verdict}`}>
          <span className={`badge verdict-${c.verdict}`}>{c.verdict}</span> {c.claim}
          {c.note && <p className="meta">{c.note}</p>}
          {/* Only numbers the article's source list has: a claim never points at a source that is not there. */}
          <CiteButtons sources={c.sources.filter((n) => known.has(n))} onSelect={onSelect} />
        </li>
      ))}
    </ul>
  );
}
