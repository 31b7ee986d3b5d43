// All articles: search, the run's status, the editorial status, a tag and favorites as filters that
// apply as you type (kept in the URL), each article's editorial status and tags, duplicate and
// delete, and "Load more" over the API's cursor pages.
import { useEffect, useState } from 'react';
import {
  ApiError,
  type ArticleStatus,
  type ArticleSummary,
  api,
  type EditorialStatus,
  editorialStatuses,
  type Me,
  when,
} from '../api.ts';
import { TagList } from '../components/EditableTags.tsx';
import { EditorialStatusText, editorialLabels } from '../components/EditorialStatus.tsx';
import { LoadMore, usePagedLoad } from '../components/LoadMore.tsx';
import { costText } from '../components/prices.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { Empty, ErrorBox, Loading, Notice, StatusBadge, useLoad, usePageTitle } from '../ui.tsx';
import { articleHref } from './Dashboard.tsx';
import { rank } from './settings/Members.tsx';

const statuses = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
const pageSize = 20;
/** How long typing pauses before the search runs: one request per word, not per key. */
const typingPauseMs = 300;

interface Filters {
  q: string;
  status: string;
  editorialStatus: string;
  tag: string;
  favorite: boolean;
}

function libraryUrl(filters: Filters) {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.status) params.set('status', filters.status);
  if (filters.editorialStatus) params.set('editorialStatus', filters.editorialStatus);
  if (filters.tag) params.set('tag', filters.tag);
  if (filters.favorite) params.set('favorite', 'true');
  return `/library${params.size ? `?${params}` : ''}`;
}

export function Library({ me }: { me: Me }) {
  usePageTitle('Library');
  const editor = rank[me.workspace.role] >= rank.editor;
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const status = query.get('status') ?? '';
  const editorialStatus = query.get('editorialStatus') ?? '';
  const tag = query.get('tag') ?? '';
  const favorite = query.get('favorite') === 'true';
  const [typed, setTyped] = useState(q);
  const refilter = (change: Partial<Filters>) =>
    navigate(libraryUrl({ q: typed, status, editorialStatus, tag, favorite, ...change }), { replace: true });
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');

  // The search box follows the URL (back/forward, Clear filters)…
  useEffect(() => setTyped(q), [q]);
  // …and the URL follows the search box once typing pauses.
  useEffect(() => {
    if (typed.trim() === q) return;
    const timer = window.setTimeout(
      () => navigate(libraryUrl({ q: typed, status, editorialStatus, tag, favorite }), { replace: true }),
      typingPauseMs,
    );
    return () => window.clearTimeout(timer);
  }, [typed, q, status, editorialStatus, tag, favorite]);

  // The tags to filter by, most used first (refetched as articles are retagged elsewhere: on load).
  const tags = useLoad(() => api('GET', '/api/v1/articles/tags'), []);

  const articles = usePagedLoad(
    (cursor) =>
      api('GET', '/api/v1/articles', {
        query: {
          limit: pageSize,
          ...(cursor ? { cursor } : {}),
          ...(q ? { q } : {}),
          ...(status ? { status: status as ArticleStatus } : {}),
          ...(favorite ? { favorite: 'true' } : {}),
          ...(editorialStatus ? { editorialStatus: editorialStatus as EditorialStatus } : {}),
          ...(tag ? { tag } : {}),
        },
      }),
    [q, status, editorialStatus, tag, favorite],
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

  const filtered = Boolean(q || status || editorialStatus || tag || favorite);
  const tagChoices = tags.data?.items ?? [];
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
          <select id="library-status" value={status} onChange={(e) => refilter({ status: e.target.value })}>
            <option value="">Any</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="library-editorial">Editorial</label>
          <select
            id="library-editorial"
            value={editorialStatus}
            onChange={(e) => refilter({ editorialStatus: e.target.value })}
          >
            <option value="">Any</option>
            {editorialStatuses.map((s) => (
              <option key={s} value={s}>
                {editorialLabels[s]}
              </option>
            ))}
          </select>
        </div>
        {(tagChoices.length > 0 || tag) && (
          <div className="field">
            <label htmlFor="library-tag">Tag</label>
            <select id="library-tag" value={tag} onChange={(e) => refilter({ tag: e.target.value })}>
              <option value="">Any</option>
              {/* A tag in the URL that no article carries any more stays choosable, so the field shows it. */}
              {tag && !tagChoices.some((t) => t.tag === tag) && <option value={tag}>{tag}</option>}
              {tagChoices.map((t) => (
                <option key={t.tag} value={t.tag}>
                  {t.tag} ({t.count})
                </option>
              ))}
            </select>
          </div>
        )}
        <label className="inline">
          <input
            type="checkbox"
            checked={favorite}
            onChange={(e) => refilter({ favorite: e.target.checked })}
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
                    <StatusBadge status={a.status} />{' '}
                    <EditorialStatusText status={a.editorialStatus} scheduledFor={a.scheduledFor} /> ·{' '}
                    {a.wordCount} words · {costText(a.costUsd, a.costKnown)} · {when(a.updatedAt)}
                    {!a.grounded && a.status === 'completed' ? ' · ungrounded' : ''}
                  </span>
                  <TagList tags={a.tags} of={a.title || a.topic} />
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
