// All articles: search, status filter, favorites, cursor pagination. The filters live in the URL.
import { type FormEvent, useState } from 'react';
import { ApiError, type ArticleStatus, type ArticleSummary, api, when } from '../api.ts';
import { costText, useUnpricedModels } from '../components/prices.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { Empty, ErrorBox, Loading, StatusBadge, useLoad, usePageTitle } from '../ui.tsx';
import { articleHref } from './Dashboard.tsx';

const statuses = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
const pageSize = 20;

export function Library() {
  usePageTitle('Library');
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const status = query.get('status') ?? '';
  const favorite = query.get('favorite') === 'true';
  const [cursors, setCursors] = useState<string[]>([]); // cursors of the pages before this one
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  const unpriced = useUnpricedModels();
  const list = useLoad(() => {
    return api('GET', '/api/v1/articles', {
      query: {
        limit: String(pageSize),
        ...(q ? { q } : {}),
        ...(status ? { status: status as ArticleStatus } : {}),
        ...(favorite ? { favorite: 'true' } : {}),
        ...(cursor ? { cursor } : {}),
      },
    });
  }, [q, status, favorite, cursor]);

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const params = new URLSearchParams();
    const nq = String(form.get('q') ?? '').trim();
    if (nq) params.set('q', nq);
    const ns = String(form.get('status') ?? '');
    if (ns) params.set('status', ns);
    if (form.get('favorite') === 'on') params.set('favorite', 'true');
    setCursors([]);
    setCursor(null);
    navigate(`/library${params.size ? `?${params}` : ''}`, { replace: true });
  };

  const toggleFavorite = async (a: ArticleSummary) => {
    try {
      await api('PATCH', '/api/v1/articles/{id}', { params: { id: a.id }, body: { favorite: !a.favorite } });
      list.setData(
        (d) =>
          d && { ...d, items: d.items.map((x) => (x.id === a.id ? { ...x, favorite: !a.favorite } : x)) },
      );
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <div className="page-head">
        <h1>Library</h1>
        <Link className="button" to="/articles/new">
          New article
        </Link>
      </div>
      <form className="card filters" onSubmit={apply} key={`${q}|${status}|${favorite}`}>
        <div className="field">
          <label htmlFor="library-q">Search</label>
          <input id="library-q" name="q" type="search" defaultValue={q} placeholder="Title or topic" />
        </div>
        <div className="field">
          <label htmlFor="library-status">Status</label>
          <select id="library-status" name="status" defaultValue={status}>
            <option value="">Any</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <label className="inline">
          <input type="checkbox" name="favorite" defaultChecked={favorite} /> Favorites only
        </label>
        <button type="submit">Apply</button>
      </form>
      <ErrorBox error={error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error instanceof ApiError && list.error.status === 404 ? (
        <Empty>Articles are not available on this server yet.</Empty>
      ) : list.error ? (
        <ErrorBox error={list.error} />
      ) : list.data?.items.length ? (
        <>
          <ul className="article-list" aria-busy={list.loading}>
            {list.data.items.map((a) => (
              <li key={a.id} className="card article-row">
                <div className="article-main">
                  <Link to={articleHref(a)} className="article-title break">
                    {a.title || a.topic}
                  </Link>
                  <span className="meta">
                    <StatusBadge status={a.status} /> {a.wordCount} words ·{' '}
                    {costText(a.costUsd, a.wordCount, unpriced)} · {when(a.updatedAt)}
                    {!a.grounded && a.status === 'completed' ? ' · ungrounded' : ''}
                  </span>
                </div>
                <button
                  type="button"
                  className="icon-button"
                  aria-pressed={a.favorite}
                  aria-label={`Favorite: ${a.title || a.topic}`}
                  onClick={() => toggleFavorite(a)}
                >
                  {a.favorite ? '★' : '☆'}
                </button>
              </li>
            ))}
          </ul>
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="secondary"
              disabled={cursors.length === 0}
              onClick={() => {
                const prev = [...cursors];
                const c = prev.pop() ?? null;
                setCursors(prev);
                setCursor(c);
              }}
            >
              Previous
            </button>
            <button
              type="button"
              className="secondary"
              disabled={!list.data.nextCursor}
              onClick={() => {
                setCursors([...cursors, cursor ?? '']);
                setCursor(list.data?.nextCursor ?? null);
              }}
            >
              Next
            </button>
          </nav>
        </>
      ) : (
        <Empty>
          {q || status || favorite ? 'No article matches these filters.' : 'No articles yet.'}{' '}
          <Link to="/articles/new">Write one</Link>.
        </Empty>
      )}
    </>
  );
}
