// All articles: search, status filter and favorites that apply as you type (kept in the URL),
// duplicate and delete, and "Load more" over the API's cursor pages.
import { useEffect, useState } from 'react';
import { ApiError, type ArticleStatus, type ArticleSummary, api, type Me, when } from '../api.ts';
import { LoadMore, usePagedLoad } from '../components/LoadMore.tsx';
import { costText } from '../components/prices.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { Empty, ErrorBox, Loading, Notice, StatusBadge, usePageTitle } from '../ui.tsx';
import { articleHref } from './Dashboard.tsx';
import { rank } from './settings/Members.tsx';

const statuses = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
const pageSize = 20;
/** How long typing pauses before the search runs: one request per word, not per key. */
const typingPauseMs = 300;

function libraryUrl(filters: { q: string; status: string; favorite: boolean }) {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.status) params.set('status', filters.status);
  if (filters.favorite) params.set('favorite', 'true');
  return `/library${params.size ? `?${params}` : ''}`;
}

export function Library({ me }: { me: Me }) {
  usePageTitle('Library');
  const editor = rank[me.workspace.role] >= rank.editor;
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const status = query.get('status') ?? '';
  const favorite = query.get('favorite') === 'true';
  const [typed, setTyped] = useState(q);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');

  // The search box follows the URL (back/forward, Clear filters)…
  useEffect(() => setTyped(q), [q]);
  // …and the URL follows the search box once typing pauses.
  useEffect(() => {
    if (typed.trim() === q) return;
    const timer = window.setTimeout(
      () => navigate(libraryUrl({ q: typed, status, favorite }), { replace: true }),
      typingPauseMs,
    );
    return () => window.clearTimeout(timer);
  }, [typed, q, status, favorite]);

  const articles = usePagedLoad(
    (cursor) =>
      api('GET', '/api/v1/articles', {
        query: {
          limit: pageSize,
          ...(cursor ? { cursor } : {}),
          ...(q ? { q } : {}),
          ...(status ? { status: status as ArticleStatus } : {}),
          ...(favorite ? { favorite: 'true' } : {}),
        },
      }),
    [q, status, favorite],
  );
  const items = articles.data?.items ?? [];

  const patchItem = (id: string, patch: (a: ArticleSummary) => ArticleSummary | null) => {
    const apply = (list: ArticleSummary[]) =>
      list.flatMap((a) => {
        if (a.id !== id) return [a];
        const next = patch(a);
        return next ? [next] : [];
      });
    articles.setData((d) => d && { ...d, items: apply(d.items) });
  };

  const toggleFavorite = async (a: ArticleSummary) => {
    setError(undefined);
    try {
      await api('PATCH', '/api/v1/articles/{id}', { params: { id: a.id }, body: { favorite: !a.favorite } });
      patchItem(a.id, (x) => ({ ...x, favorite: !a.favorite }));
    } catch (e) {
      setError(e);
    }
  };

  // The article being copied: its button waits, so a double click makes one copy, not two.
  const [duplicating, setDuplicating] = useState<string>();
  const duplicate = async (a: ArticleSummary) => {
    setError(undefined);
    setNotice('');
    setDuplicating(a.id);
    try {
      const copy = await api('POST', '/api/v1/articles/{id}/duplicate', { params: { id: a.id } });
      setNotice(`Duplicated as "${copy.title}".`);
      await articles.reload();
    } catch (e) {
      setError(e);
    } finally {
      setDuplicating(undefined);
    }
  };

  const remove = async (a: ArticleSummary) => {
    const name = a.title || a.topic;
    if (!window.confirm(`Delete "${name}"? This cannot be undone.`)) return;
    setError(undefined);
    setNotice('');
    try {
      await api('DELETE', '/api/v1/articles/{id}', { params: { id: a.id } });
      patchItem(a.id, () => null);
      setNotice(`Deleted "${name}".`);
    } catch (e) {
      setError(e);
    }
  };

  const filtered = Boolean(q || status || favorite);
  const clearFilters = () => {
    setTyped('');
    navigate('/library', { replace: true });
  };

  return (
    <>
      <div className="page-head">
        <h1>Library</h1>
        <Link className="button" to="/articles/new">
          New article
        </Link>
      </div>
      <search className="card filters" aria-label="Filter articles">
        <div className="field">
          <label htmlFor="library-q">Search</label>
          <input
            id="library-q"
            type="search"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="Title, topic or text"
          />
        </div>
        <div className="field">
          <label htmlFor="library-status">Status</label>
          <select
            id="library-status"
            value={status}
            onChange={(e) =>
              navigate(libraryUrl({ q: typed, status: e.target.value, favorite }), { replace: true })
            }
          >
            <option value="">Any</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <label className="inline">
          <input
            type="checkbox"
            checked={favorite}
            onChange={(e) =>
              navigate(libraryUrl({ q: typed, status, favorite: e.target.checked }), { replace: true })
            }
          />{' '}
          Favorites only
        </label>
        {filtered && (
          <button type="button" className="secondary" onClick={clearFilters}>
            Clear filters
          </button>
        )}
      </search>
      <ErrorBox error={error} />
      <Notice>{notice}</Notice>
      {articles.loading && !articles.data ? (
        <Loading />
      ) : articles.error instanceof ApiError && articles.error.status === 404 ? (
        <Empty>Articles are not available on this server yet.</Empty>
      ) : articles.error ? (
        <ErrorBox error={articles.error} />
      ) : items.length ? (
        <>
          <ul className="article-list" aria-busy={articles.loading} aria-label="Articles">
            {items.map((a) => (
              <li key={a.id} className="card article-row">
                <div className="article-main">
                  <Link to={articleHref(a)} className="article-title break">
                    {a.title || a.topic}
                  </Link>
                  <span className="meta">
                    <StatusBadge status={a.status} /> {a.wordCount} words · {costText(a.costUsd, a.costKnown)}{' '}
                    · {when(a.updatedAt)}
                    {!a.grounded && a.status === 'completed' ? ' · ungrounded' : ''}
                  </span>
                </div>
                <div className="row-actions">
                  <button
                    type="button"
                    className="icon-button"
                    aria-pressed={a.favorite}
                    aria-label={`Favorite: ${a.title || a.topic}`}
                    onClick={() => toggleFavorite(a)}
                  >
                    {a.favorite ? '★' : '☆'}
                  </button>
                  {editor && (
                    <>
                      <button
                        type="button"
                        className="secondary small"
                        disabled={a.status === 'queued' || a.status === 'running' || duplicating === a.id}
                        title={
                          a.status === 'queued' || a.status === 'running'
                            ? 'Can be duplicated once it has finished'
                            : undefined
                        }
                        aria-label={`Duplicate ${a.title || a.topic}`}
                        onClick={() => duplicate(a)}
                      >
                        Duplicate
                      </button>
                      <button
                        type="button"
                        className="danger small"
                        aria-label={`Delete ${a.title || a.topic}`}
                        onClick={() => remove(a)}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </div>
              </li>
            ))}
          </ul>
          <LoadMore list={articles} noun="article" sayWhenAll />
        </>
      ) : filtered ? (
        <Empty>
          No article matches these filters.{' '}
          <button type="button" className="link" onClick={clearFilters}>
            Clear filters
          </button>
        </Empty>
      ) : (
        <Empty>
          No articles yet. <Link to="/articles/new">Write one</Link>.
        </Empty>
      )}
    </>
  );
}
