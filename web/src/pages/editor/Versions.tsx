// Editor › versions: diff against the current text (opened at its first change, scrollable by
// keyboard), restore.
import { useEffect, useMemo, useRef, useState } from 'react';
import { type Article, api, type Version, type VersionSummary, when } from '../../api.ts';
import { diffLines } from '../../diff.ts';
import { Empty, ErrorBox, Loading, useLoad } from '../../ui.tsx';

export function VersionsPanel({
  article,
  current,
  dirty,
  onRestored,
}: {
  article: Article;
  current: string;
  /** The editor holds edits not saved: a restore replaces them too, so the question says so. */
  dirty: boolean;
  onRestored: (a: Article) => void;
}) {
  const versions = useLoad(
    () => api('GET', '/api/v1/articles/{id}/versions', { params: { id: article.id } }),
    [article.id, article.updatedAt],
  );
  const [open, setOpen] = useState<Version>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // The version asked for last: one clicked before it that answers later is not shown over it.
  const asked = useRef<string>(undefined);
  const show = async (v: VersionSummary) => {
    setError(undefined);
    asked.current = v.id;
    try {
      const version = await api('GET', '/api/v1/articles/{id}/versions/{versionId}', {
        params: { id: article.id, versionId: v.id },
      });
      if (asked.current === v.id) setOpen(version);
    } catch (e) {
      if (asked.current === v.id) setError(e);
    }
  };
  const restore = async (v: Version) => {
    if (
      !window.confirm(
        `Restore the version from ${when(v.createdAt)}? The saved text is kept as a version.` +
          (dirty
            ? ' Your unsaved edits are not: they are lost. Cancel and save them first to keep them.'
            : ''),
      )
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
  const firstChange = diff.findIndex((d) => d.kind !== 'same');
  const added = diff.filter((d) => d.kind === 'added').length;
  const removed = diff.filter((d) => d.kind === 'removed').length;
  const region = useRef<HTMLElement>(null);
  const firstChangeLine = useRef<HTMLSpanElement>(null);
  // A long article's change may be far down: open the diff there, with a few lines of context.
  // biome-ignore lint/correctness/useExhaustiveDependencies: jump once per opened version, not per keystroke
  useEffect(() => {
    const box = region.current;
    const line = firstChangeLine.current;
    if (!box || !line) return;
    box.scrollTop = Math.max(0, line.offsetTop - box.offsetTop - 3 * line.offsetHeight);
  }, [open?.id]);
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
            <p className="meta" id="diff-summary">
              {firstChange < 0
                ? 'This version is the same as the text in the editor.'
                : `Changes from this version to the text in the editor: ${added} line${added === 1 ? '' : 's'} added, ${removed} removed.`}
            </p>
            <section
              className="diff"
              ref={region}
              // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe: scrollable-region-focusable)
              tabIndex={0}
              aria-label={`Differences from the version of ${when(open.createdAt)}`}
              aria-describedby="diff-summary"
            >
              <pre>
                {diff.map((d, i) => (
                  <span
                    // biome-ignore lint/suspicious/noArrayIndexKey: diff lines have no identity but their position
                    key={i}
                    className={`diff-${d.kind}`}
                    ref={i === firstChange ? firstChangeLine : undefined}
                    data-first-change={i === firstChange || undefined}
                  >
                    {d.kind === 'added' ? '+ ' : d.kind === 'removed' ? '- ' : '  '}
                    {d.text}
                    {'\n'}
                  </span>
                ))}
              </pre>
            </section>
          </>
        ) : (
          <p className="hint">Choose a version to compare it with the current text.</p>
        )}
      </div>
    </div>
  );
}
