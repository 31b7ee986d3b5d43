// Editor › fact check: the claims and their verdicts.
import type { Article } from '../../api.ts';
import { Empty } from '../../ui.tsx';
import { CiteButtons } from './CiteButtons.tsx';

export function FactCheckPanel({ article, onSelect }: { article: Article; onSelect: (n: number) => void }) {
  if (!article.factCheck) return <Empty>Fact checking was off for this article.</Empty>;
  if (article.factCheck.claims.length === 0) return <Empty>No checkable claims were found.</Empty>;
  return (
    <ul className="claims">
      {article.factCheck.claims.map((c, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: claims have no id and may repeat
        <li key={i} className={`claim verdict-${c.verdict}`}>
          <span className={`badge verdict-${c.verdict}`}>{c.verdict}</span> {c.claim}
          {c.note && <p className="meta">{c.note}</p>}
          <CiteButtons sources={c.sources} onSelect={onSelect} />
        </li>
      ))}
    </ul>
  );
}
