// The article as it streams in, part by part in reading order.
import { useMemo } from 'react';
import type { Article } from '../../api.ts';
import { renderMarkdown } from '../../markdown.ts';

function partOrder(part: string): number {
  if (part === 'intro') return -1;
  if (part === 'conclusion') return 10_000;
  if (part === 'faq') return 10_001;
  const n = /^section:(\d+)$/.exec(part)?.[1];
  return n === undefined ? 9_999 : Number(n);
}

export function DraftView({
  parts,
  article,
  finished,
}: {
  parts: Map<string, string>;
  article: Article;
  finished: boolean;
}) {
  const ordered = useMemo(
    () => [...parts.entries()].sort((a, b) => partOrder(a[0]) - partOrder(b[0])),
    [parts],
  );
  const headingOf = (part: string) => {
    if (part === 'intro') return 'Introduction';
    if (part === 'conclusion') return 'Conclusion';
    if (part === 'faq') return 'FAQ';
    const n = Number(/^section:(\d+)$/.exec(part)?.[1]);
    return article.sections.find((s) => s.index === n)?.heading ?? `Section ${n + 1}`;
  };
  return (
    <section className="card draft" aria-labelledby="draft-heading" aria-busy={!finished}>
      <h2 id="draft-heading">Draft</h2>
      {ordered.length === 0 ? (
        <p className="hint">
          {finished ? 'Nothing was written.' : 'The text appears here as it is written.'}
        </p>
      ) : (
        ordered.map(([part, text]) => (
          <article key={part} className="draft-part" data-part={part}>
            <h3>{headingOf(part)}</h3>
            {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by renderMarkdown (DOMPurify) */}
            <div className="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }} />
          </article>
        ))
      )}
    </section>
  );
}
