// Lists the API serves a page at a time: the first page loads with the view and "Load more" appends
// the next. A list read once with `limit` alone showed a workspace's first 100 documents and nothing
// said there were more (the 101st could be neither seen, deleted nor picked for an article).
import { useCallback, useRef, useState } from 'react';
import { ErrorBox, useLoad } from '../ui.tsx';

export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

/** `useLoad` over a cursor-paged list, with `loadMore` appending the next page. */
export function usePagedLoad<T>(loadPage: (cursor?: string) => Promise<Paged<T>>, deps: unknown[]) {
  const first = useLoad(() => loadPage(), deps);
  const loader = useRef(loadPage);
  loader.current = loadPage;
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>();
  const { data, setData } = first;
  const cursor = data?.nextCursor;
  const loadMore = useCallback(async () => {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await loader.current(cursor);
      // Appended only while the list still ends where this page begins: a reload since started over.
      setData((d) =>
        d?.nextCursor === cursor
          ? {
              items: [...d.items, ...page.items],
              nextCursor: page.nextCursor,
            }
          : d,
      );
    } catch (e) {
      setMoreError(e);
    } finally {
      setLoadingMore(false);
    }
  }, [cursor, setData]);
  return { ...first, loadMore, loadingMore, moreError };
}

export interface PagedList<T = unknown> {
  data?: Paged<T> | undefined;
  loadMore: () => Promise<void>;
  loadingMore: boolean;
  moreError: unknown;
}

/**
 * "20 documents shown" and a Load more button while the API has more; nothing otherwise, or with
 * `sayWhenAll` "… shown — that is all".
 */
export function LoadMore({
  list,
  noun,
  plural = `${noun}s`,
  sayWhenAll,
}: {
  list: PagedList;
  noun: string;
  plural?: string;
  sayWhenAll?: boolean;
}) {
  const more = Boolean(list.data?.nextCursor);
  const shown = list.data?.items.length ?? 0;
  return (
    <>
      {(more || (sayWhenAll && list.data)) && (
        <nav className="pager" aria-label={`More ${plural}`}>
          <span className="meta" role="status">
            {shown} {shown === 1 ? noun : plural} shown{more ? '' : ' — that is all'}
          </span>
          {more && (
            <button type="button" className="secondary" disabled={list.loadingMore} onClick={list.loadMore}>
              {list.loadingMore ? 'Loading…' : 'Load more'}
            </button>
          )}
        </nav>
      )}
      <ErrorBox error={list.moreError} />
    </>
  );
}
