// The brief form's "Documents to use": the workspace's ready documents as checkboxes. A library of
// hundreds made the form pages long, so the list scrolls in its own box and a filter narrows it by
// title; a box filtered out stays in the form (hidden, not removed), so its choice is still sent.
import { useState } from 'react';
import type { DocumentInfo } from '../../api.ts';
import { ListFilter } from '../../components/ListFilter.tsx';
import { LoadMore, type PagedList } from '../../components/LoadMore.tsx';
import { Link } from '../../router.tsx';
import { Loading } from '../../ui.tsx';

// Past this many, the list gets its filter.
const filterFrom = 8;

export function DocumentPicker({
  documents,
  error,
}: {
  documents: PagedList<DocumentInfo> & { loading: boolean; error: unknown };
  error?: string;
}) {
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState(0);
  const items = documents.data?.items ?? [];
  const wanted = filter.trim().toLowerCase();
  const shows = (d: DocumentInfo) => !wanted || d.title.toLowerCase().includes(wanted);
  const matching = items.filter(shows).length;
  const long = items.length > filterFrom;
  return (
    <fieldset className={error ? 'has-error' : undefined}>
      <legend>Documents to use</legend>
      {documents.loading && !documents.data ? (
        <Loading label="Loading documents…" />
      ) : documents.error ? (
        <p className="hint">The knowledge library is not available.</p>
      ) : items.length ? (
        <>
          {long && (
            <ListFilter
              id="document-filter"
              label="Filter by title"
              value={filter}
              onChange={setFilter}
              status={`${wanted ? `${matching} of ${items.length} match` : `${items.length} listed`}${chosen ? ` · ${chosen} chosen` : ''}`}
            />
          )}
          <ul
            className={long ? 'checks scroll-box' : 'checks'}
            aria-label="Ready documents"
            onChange={(e) =>
              setChosen(e.currentTarget.querySelectorAll('input[name="documents"]:checked').length)
            }
          >
            {items.map((d) => (
              <li key={d.id} hidden={!shows(d)}>
                <label>
                  <input type="checkbox" name="documents" value={d.id} /> {d.title}
                </label>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="hint">
          No ready documents. <Link to="/knowledge">Upload some</Link> to ground the article in your own
          material.
        </p>
      )}
      <LoadMore list={documents} noun="ready document" />
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}
