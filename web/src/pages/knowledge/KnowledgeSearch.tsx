// Knowledge › search: passages ranked by the server (semantic and keyword, or keyword only), the
// query's words marked, each with its relevance against the best result and a link to its document.
import { type FormEvent, useState } from 'react';
import { api, type Passage } from '../../api.ts';
import { highlight } from '../../highlight.ts';
import { Link } from '../../router.tsx';
import { Empty, ErrorBox } from '../../ui.tsx';
import { pagesOf } from './DocumentDetail.tsx';

function Marked({ text, query }: { text: string; query: string }) {
  return (
    <>
      {highlight(text, query).map((s, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: segments have no identity but their position
        s.match ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>,
      )}
    </>
  );
}

export function KnowledgeSearch() {
  const [found, setFound] = useState<{ query: string; mode: string; items: Passage[] }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const search = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const query = String(new FormData(e.currentTarget).get('query') ?? '').trim();
    if (!query) return;
    setBusy(true);
    setError(undefined);
    try {
      const res = await api('POST', '/api/v1/knowledge/search', { body: { query, limit: 10 } });
      setFound({ query, mode: res.mode, items: res.items });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const best = Math.max(0, ...(found?.items.map((r) => r.score) ?? []));
  return (
    <section className="card" aria-labelledby="search-heading">
      <h2 id="search-heading">Search the library</h2>
      <form className="inline-form" onSubmit={search}>
        <label htmlFor="knowledge-query" className="sr-only">
          Search passages
        </label>
        <input
          id="knowledge-query"
          name="query"
          type="search"
          placeholder="What do your documents say about…"
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      <ErrorBox error={error} />
      {found &&
        (found.items.length ? (
          <>
            <p className="meta" role="status">
              {found.items.length} passage{found.items.length === 1 ? '' : 's'} ·{' '}
              {found.mode === 'hybrid' ? 'semantic and keyword search' : 'keyword search'}, best match first
            </p>
            <ol className="passages" aria-label="Search results">
              {found.items.map((r) => {
                const relevance = best > 0 ? Math.round((100 * r.score) / best) : 0;
                return (
                  <li key={r.chunkId}>
                    <div className="passage-head">
                      <Link to={`/knowledge?document=${r.documentId}`} className="break">
                        <strong>{r.documentTitle}</strong>
                      </Link>
                      <span className="meta">
                        {[r.headingPath.join(' › '), pagesOf(r)].filter(Boolean).join(' · ')}
                      </span>
                      <span className="relevance">
                        <meter min={0} max={100} value={relevance} aria-label={`Relevance ${relevance}%`} />
                        <span className="meta" aria-hidden="true">
                          {relevance}%
                        </span>
                      </span>
                    </div>
                    <blockquote className="excerpt">
                      <Marked text={r.text} query={found.query} />
                    </blockquote>
                  </li>
                );
              })}
            </ol>
          </>
        ) : (
          <Empty>No passage matches “{found.query}”. Try other words, or fewer.</Empty>
        ))}
    </section>
  );
}
