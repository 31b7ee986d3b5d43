// Editor › versions: diff against the current text, restore.
import { useMemo, useState } from 'react';
import { type Article, api, type Version, type VersionSummary, when } from '../../api.ts';
import { diffLines } from '../../diff.ts';
import { Empty, ErrorBox, Loading, useLoad } from '../../ui.tsx';

export function VersionsPanel({
  article,
  current,
  onRestored,
}: {
  article: Article;
  current: string;
  onRestored: (a: Article) => void;
}) {
  const versions = useLoad(
    () => api('GET', '/api/v1/articles/{id}/versions', { params: { id: article.id } }),
    [article.id, article.updatedAt],
  );
  const [open, setOpen] = useState<Version>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const show = async (v: VersionSummary) => {
    setError(undefined);
    try {
      setOpen(
        await api('GET', '/api/v1/articles/{id}/versions/{versionId}', {
          params: { id: article.id, versionId: v.id },
        }),
      );
    } catch (e) {
      setError(e);
    }
  };
  const restore = async (v: Version) => {
    if (
      !window.confirm(`Restore the version from ${when(v.createdAt)}? The current text is kept as a version.`)
    )
      return;
    setBusy(true);
    try {
      onRestored(
        await api('POST', '/api/v1/articles/{id}/versions/{versionId}/restore', {
          params: { id: article.id, versionId: v.id },
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const diff = useMemo(() => (open ? diffLines(open.markdown, current) : []), [open, current]);
  if (versions.loading && !versions.data) return <Loading />;
  if (versions.error) return <ErrorBox error={versions.error} />;
  if (!versions.data?.items.length)
    return <Empty>No earlier versions yet. Saving an edit keeps the previous text here.</Empty>;
  return (
    <div className="grid-versions">
      <ul className="list">
        {versions.data.items.map((v) => (
          <li key={v.id}>
            <button type="button" className="link" aria-pressed={open?.id === v.id} onClick={() => show(v)}>
              {when(v.createdAt)} — {v.reason}
            </button>
            <span className="meta break"> {v.title}</span>
          </li>
        ))}
      </ul>
      <div>
        <ErrorBox error={error} />
        {open ? (
          <>
            <div className="actions">
              <button type="button" onClick={() => restore(open)} disabled={busy}>
                Restore this version
              </button>
            </div>
            <p className="meta">Changes from this version to the text in the editor:</p>
            <pre className="diff">
              {diff.map((d, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: diff lines have no identity but their position
                <span key={i} className={`diff-${d.kind}`}>
                  {d.kind === 'added' ? '+ ' : d.kind === 'removed' ? '- ' : '  '}
                  {d.text}
                  {'\n'}
                </span>
              ))}
            </pre>
          </>
        ) : (
          <p className="hint">Choose a version to compare it with the current text.</p>
        )}
      </div>
    </div>
  );
}
