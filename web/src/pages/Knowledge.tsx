// The knowledge library: upload with progress, ingestion stages, delete, passage search, and one
// document's passages (`?document=<id>`).
import { type ChangeEvent, useEffect, useState } from 'react';
import { ApiError, announceUnauthenticated, api, type DocumentInfo, type Me, when } from '../api.ts';
import { byteSize } from '../byte-size.ts';
import { EditableTags } from '../components/EditableTags.tsx';
import { ListFilter } from '../components/ListFilter.tsx';
import { LoadMore, usePagedLoad } from '../components/LoadMore.tsx';
import { Link, useLocation } from '../router.tsx';
import { Empty, ErrorBox, Loading, StatusBadge, useLoad, usePageTitle, useSettled } from '../ui.tsx';
import { DocumentDetail } from './knowledge/DocumentDetail.tsx';
import { stageText } from './knowledge/IngestionStages.tsx';
import { KnowledgeSearch } from './knowledge/KnowledgeSearch.tsx';
import { rank } from './settings/Members.tsx';

interface Upload {
  key: string;
  name: string;
  loaded: number;
  total: number;
  state: 'uploading' | 'done' | 'failed';
  error?: string;
}

/** POST /api/v1/documents with XMLHttpRequest, for upload progress events. */
function uploadFile(file: File, onProgress: (loaded: number, total: number) => void): Promise<DocumentInfo> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/documents');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () =>
      reject(new ApiError(0, 'network_error', 'The upload failed: the server could not be reached.'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as DocumentInfo);
      } else {
        // As every other call: a session that ended asks to sign in again over the page.
        if (xhr.status === 401) announceUnauthenticated();
        const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
        reject(new ApiError(xhr.status, e?.code ?? 'error', e?.message ?? `Upload failed (${xhr.status})`));
      }
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

export function Knowledge({ me }: { me: Me }) {
  usePageTitle('Knowledge');
  // Viewers read the tags; editors and above change them (as the API allows).
  const editor = rank[me.workspace.role] >= rank.editor;
  // Narrowed by title or file name on the server, so a document past the first page is found too.
  const [filter, setFilter] = useState('');
  const named = useSettled(filter.trim());
  const docs = usePagedLoad(
    (cursor) =>
      api('GET', '/api/v1/documents', {
        query: { limit: 100, ...(named ? { q: named } : {}), ...(cursor ? { cursor } : {}) },
      }),
    [named],
  );
  const storage = useLoad(() => api('GET', '/api/v1/usage/storage'), []);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [error, setError] = useState<unknown>();
  const openId = useLocation().query.get('document');
  // From the list when it is there (kept fresh by the polling below), else read on its own.
  const listed = openId ? docs.data?.items.find((d) => d.id === openId) : undefined;
  const single = useLoad(
    async () =>
      openId && docs.data && !listed
        ? api('GET', '/api/v1/documents/{id}', { params: { id: openId } })
        : null,
    [openId, Boolean(docs.data), Boolean(listed)],
  );
  const open = listed ?? single.data ?? undefined;

  // Poll documents that are still being processed.
  const pending = docs.data?.items.filter((d) => d.status === 'queued' || d.status === 'processing') ?? [];
  const pendingKey = pending.map((d) => d.id).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: pendingKey stands for the pending list
  useEffect(() => {
    if (!pendingKey) return;
    const timer = window.setInterval(async () => {
      for (const id of pendingKey.split(',')) {
        try {
          const d = await api('GET', '/api/v1/documents/{id}', { params: { id } });
          docs.setData(
            (page) => page && { ...page, items: page.items.map((x) => (x.id === d.id ? { ...x, ...d } : x)) },
          );
        } catch {
          // A deleted document disappears at the next list refresh.
        }
      }
    }, 1500);
    return () => window.clearInterval(timer);
  }, [pendingKey]);

  const onFiles = async (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = '';
    for (const file of files) {
      const key = `${file.name}-${Date.now()}-${Math.random()}`;
      setUploads((u) => [...u, { key, name: file.name, loaded: 0, total: file.size, state: 'uploading' }]);
      const patch = (p: Partial<Upload>) =>
        setUploads((u) => u.map((x) => (x.key === key ? { ...x, ...p } : x)));
      try {
        const doc = await uploadFile(file, (loaded, total) => patch({ loaded, total }));
        patch({ state: 'done', loaded: file.size });
        void storage.reload();
        docs.setData((page) =>
          page
            ? { ...page, items: [doc, ...page.items.filter((d) => d.id !== doc.id)] }
            : { items: [doc], nextCursor: null },
        );
      } catch (err) {
        patch({ state: 'failed', error: err instanceof Error ? err.message : 'Upload failed' });
      }
    }
  };

  const saved = (d: DocumentInfo) =>
    docs.setData((page) => page && { ...page, items: page.items.map((x) => (x.id === d.id ? d : x)) });

  const remove = async (d: DocumentInfo) => {
    if (!window.confirm(`Delete "${d.title}" from the knowledge library?`)) return;
    setError(undefined);
    try {
      await api('DELETE', '/api/v1/documents/{id}', { params: { id: d.id } });
      docs.setData((page) => page && { ...page, items: page.items.filter((x) => x.id !== d.id) });
      void storage.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <h1>Knowledge</h1>
      {open ? (
        <DocumentDetail document={open} />
      ) : openId && single.error ? (
        <ErrorBox error={single.error} />
      ) : null}
      <section className="card" aria-labelledby="upload-heading">
        <h2 id="upload-heading">Add documents</h2>
        <p className="hint">
          PDF, Word (DOCX), Markdown, HTML, text or OpenAPI files. Articles can cite them.
          {storage.data && (
            <>
              {' '}
              The workspace stores {byteSize(storage.data.usedBytes)} of its{' '}
              {byteSize(storage.data.limitBytes)} (documents {byteSize(storage.data.documentBytes)}, articles{' '}
              {byteSize(storage.data.articleBytes)}
              {storage.data.evalReportBytes > 0
                ? `, evaluation reports ${byteSize(storage.data.evalReportBytes)}`
                : ''}
              ).
            </>
          )}
        </p>
        {editor ? (
          <>
            <label className="button file-button" htmlFor="knowledge-file">
              Choose files to upload
            </label>
            <input
              id="knowledge-file"
              className="visually-hidden-file"
              type="file"
              multiple
              onChange={onFiles}
              accept=".pdf,.docx,.md,.markdown,.txt,.html,.htm,.json,.yaml,.yml,application/pdf,text/*"
            />
          </>
        ) : (
          // As the API has it: a viewer reads and searches the library, an editor adds to it.
          <p className="hint">Your role (viewer) can read and search these documents; an editor adds them.</p>
        )}
        {uploads.length > 0 && (
          <ul className="uploads">
            {uploads.map((u) => (
              <li key={u.key} data-state={u.state}>
                <span className="break">{u.name}</span>{' '}
                {u.state === 'uploading' ? (
                  <progress max={u.total || 1} value={u.loaded} aria-label={`Uploading ${u.name}`} />
                ) : u.state === 'done' ? (
                  <span className="meta">uploaded</span>
                ) : (
                  <span className="field-error" role="alert">
                    {u.error}
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <ErrorBox error={error} />
      <section className="card" aria-labelledby="docs-heading">
        <h2 id="docs-heading">Documents</h2>
        <ListFilter
          id="documents-filter"
          label="Filter by title or file name"
          value={filter}
          onChange={setFilter}
        />
        {docs.loading && !docs.data ? (
          <Loading />
        ) : docs.error ? (
          <ErrorBox error={docs.error} />
        ) : docs.data?.items.length ? (
          <div className="table-wrap">
            <table className="docs">
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Status</th>
                  <th scope="col">Size</th>
                  <th scope="col">Added</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {docs.data.items.map((d) => (
                  <tr key={d.id} data-document={d.id}>
                    <td className="break">
                      <Link to={`/knowledge?document=${d.id}`}>{d.title}</Link>
                      {d.filename && d.filename !== d.title && <span className="meta"> ({d.filename})</span>}
                      <EditableTags
                        tags={d.tags}
                        of={d.title}
                        editable={editor}
                        save={async (tags) =>
                          saved(
                            await api('PATCH', '/api/v1/documents/{id}', {
                              params: { id: d.id },
                              body: { tags },
                            }),
                          )
                        }
                      />
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={d.status} />
                      {d.status === 'queued' || d.status === 'processing' ? (
                        <span className="meta"> {stageText(d)}</span>
                      ) : null}
                      {d.error && <span className="field-error"> {d.error}</span>}
                      {d.note && <span className="meta"> {d.note}</span>}
                      {d.status === 'ready' && d.chunkCount ? (
                        <span className="meta">
                          {' '}
                          · {d.chunkCount} passage{d.chunkCount === 1 ? '' : 's'}
                        </span>
                      ) : null}
                    </td>
                    <td data-label="Size">
                      {byteSize(d.byteSize)}
                      {d.pageCount ? <span className="meta"> · {d.pageCount} p.</span> : null}
                    </td>
                    <td data-label="Added">{when(d.createdAt)}</td>
                    <td>
                      {editor && (
                        <button
                          type="button"
                          className="danger small"
                          onClick={() => remove(d)}
                          aria-label={`Delete ${d.title}`}
                        >
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : named ? (
          <Empty>No document's title or file name contains “{named}”.</Empty>
        ) : (
          <Empty>No documents yet.{editor ? ' Upload one above.' : ''}</Empty>
        )}
        <LoadMore list={docs} noun="document" />
      </section>
      <KnowledgeSearch />
    </>
  );
}
