// The editor: Markdown with a live sanitized preview, and panels for citations, fact check, SEO,
// section regeneration, versions (diff, restore) and export.
import {
  type KeyboardEvent,
  type MouseEvent,
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import {
  type Article,
  api,
  type Citation,
  messageOf,
  type Source,
  usd,
  type Version,
  type VersionSummary,
  when,
} from '../api.ts';
import { diffLines } from '../diff.ts';
import { renderMarkdown } from '../markdown.ts';
import { Link } from '../router.tsx';
import { download, Empty, ErrorBox, Loading, StatusBadge, useLoad, usePageTitle } from '../ui.tsx';
import { SourceItem } from './LiveGeneration.tsx';

const panels = ['citations', 'fact-check', 'seo', 'sections', 'versions', 'export'] as const;
type Panel = (typeof panels)[number];
const panelLabels: Record<Panel, string> = {
  citations: 'Citations',
  'fact-check': 'Fact check',
  seo: 'SEO',
  sections: 'Regenerate',
  versions: 'Versions',
  export: 'Export',
};

const norm = (s: string) =>
  s
    .replace(/\[[\d,\s–-]+\]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();

export function Editor({ id }: { id: string }) {
  const loaded = useLoad(() => api<Article>('GET', `/api/v1/articles/${id}`), [id]);
  const article = loaded.data;
  usePageTitle(article ? `Edit: ${article.title || article.brief.topic}` : 'Editor');

  if (!article)
    return loaded.error ? <ErrorBox error={loaded.error} /> : <Loading label="Loading article…" />;
  if (article.status === 'queued' || article.status === 'running')
    return (
      <>
        <h1 className="break">{article.title || article.brief.topic}</h1>
        <p>
          This article is still being written. <Link to={`/articles/${id}/live`}>Watch it live</Link>.
        </p>
      </>
    );
  return <EditorLoaded article={article} onChange={(a) => loaded.setData(a)} reload={loaded.reload} />;
}

function EditorLoaded({
  article,
  onChange,
  reload,
}: {
  article: Article;
  onChange: (a: Article) => void;
  reload: () => Promise<void>;
}) {
  const [title, setTitle] = useState(article.title);
  const [markdown, setMarkdown] = useState(article.markdown);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const [panel, setPanel] = useState<Panel>('citations');
  const [selected, setSelected] = useState<number | null>(null);
  const deferred = useDeferredValue(markdown);
  const dirty = title !== article.title || markdown !== article.markdown;
  // Closing or reloading the tab with unsaved edits asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // A saved, restored or regenerated article replaces what the fields hold.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the stored article changes
  useEffect(() => {
    setTitle(article.title);
    setMarkdown(article.markdown);
  }, [article.updatedAt, article.id]);

  const unsupported = useMemo(() => article.citations.filter((c) => !c.supported), [article.citations]);
  const preview = useMemo(
    () =>
      renderMarkdown(deferred, {
        unsupported: (numbers, context) => {
          const ctx = norm(context);
          return unsupported.some(
            (c) => c.sources.some((n) => numbers.includes(n)) && ctx.includes(norm(c.sentence).slice(0, 60)),
          );
        },
      }),
    [deferred, unsupported],
  );

  const save = useCallback(async () => {
    if (!dirty) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      const next = await api<Article>('PATCH', `/api/v1/articles/${article.id}`, {
        ...(title !== article.title ? { title } : {}),
        ...(markdown !== article.markdown ? { markdown } : {}),
      });
      setNotice('Saved. The previous text is kept in Versions.');
      onChange(next);
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  }, [article, dirty, markdown, onChange, title]);

  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void save();
    }
  };

  const showSource = (n: number) => {
    setPanel('citations');
    setSelected(n);
    requestAnimationFrame(() => {
      const el = document.getElementById(`cited-source-${n}`);
      el?.scrollIntoView({ block: 'nearest' });
      el?.focus();
    });
  };

  const onPreviewClick = (e: MouseEvent<HTMLDivElement>) => {
    const target = (e.target as HTMLElement).closest<HTMLElement>('button.cite');
    const first = target?.dataset.cite?.split(',')[0];
    if (first) showSource(Number(first));
  };

  const toggleFavorite = async () => {
    try {
      onChange(
        await api<Article>('PATCH', `/api/v1/articles/${article.id}`, { favorite: !article.favorite }),
      );
    } catch (e) {
      setSaveError(e);
    }
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Ctrl+S anywhere in the editor saves
    <div onKeyDown={onKeyDown}>
      <div className="page-head">
        <h1 className="break">{article.title || article.brief.topic}</h1>
        <div className="actions">
          <StatusBadge status={article.status} />
          {!article.grounded && <span className="badge status-failed">ungrounded</span>}
          <button
            type="button"
            className="secondary"
            aria-pressed={article.favorite}
            onClick={toggleFavorite}
          >
            {article.favorite ? '★ Favorite' : '☆ Favorite'}
          </button>
          <button type="button" onClick={() => void save()} disabled={!dirty || saving}>
            {saving ? 'Saving…' : dirty ? 'Save' : 'Saved'}
          </button>
        </div>
      </div>
      <p className="meta">
        {article.wordCount} words · {usd(article.usage.costUsd)} · updated {when(article.updatedAt)}
        {article.error ? ` · ${article.error}` : ''}
      </p>
      <ErrorBox error={saveError} />
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <div className="editor-grid">
        <div className="editor-pane">
          <label htmlFor="article-title">Title</label>
          <input id="article-title" value={title} onChange={(e) => setTitle(e.target.value)} />
          <label htmlFor="article-markdown">Markdown</label>
          <textarea
            id="article-markdown"
            className="markdown-input"
            value={markdown}
            spellCheck
            onChange={(e) => {
              setMarkdown(e.target.value);
              setNotice('');
            }}
          />
          <p className="hint">Ctrl+S (⌘S) saves. Saving keeps the previous text as a version.</p>
        </div>
        <section className="editor-pane" aria-labelledby="preview-heading">
          <h2 id="preview-heading">Preview</h2>
          {/* biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: the citation markers inside are buttons; this delegates their clicks */}
          <div
            className="prose preview"
            onClick={onPreviewClick}
            // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by renderMarkdown (DOMPurify)
            dangerouslySetInnerHTML={{ __html: preview }}
          />
        </section>
      </div>
      <section className="card panels" aria-label="Article tools">
        <fieldset className="panel-tabs">
          <legend className="sr-only">Panels</legend>
          {panels.map((p) => (
            <button
              key={p}
              type="button"
              className="tab"
              aria-pressed={panel === p}
              onClick={() => setPanel(p)}
            >
              {panelLabels[p]}
              {p === 'citations' && unsupported.length > 0 ? ` (${unsupported.length} unsupported)` : ''}
            </button>
          ))}
        </fieldset>
        <div className="panel-body">
          {panel === 'citations' && (
            <CitationsPanel article={article} selected={selected} onSelect={showSource} />
          )}
          {panel === 'fact-check' && <FactCheckPanel article={article} onSelect={showSource} />}
          {panel === 'seo' && <SeoPanel article={article} />}
          {panel === 'sections' && <RegeneratePanel article={article} reload={reload} />}
          {panel === 'versions' && (
            <VersionsPanel article={article} current={markdown} onRestored={onChange} />
          )}
          {panel === 'export' && <ExportPanel article={article} dirty={dirty} />}
        </div>
      </section>
    </div>
  );
}

function CitationsPanel({
  article,
  selected,
  onSelect,
}: {
  article: Article;
  selected: number | null;
  onSelect: (n: number) => void;
}) {
  const byN = new Map(article.sources.map((s) => [s.n, s]));
  const source: Source | undefined = selected === null ? undefined : byN.get(selected);
  return (
    <div className="grid-2">
      <div>
        <h3>Sources</h3>
        {article.sources.length === 0 ? (
          <Empty>No sources: this article is not grounded.</Empty>
        ) : (
          <ol className="sources">
            {article.sources.map((s) => (
              <li key={s.n} value={s.n}>
                <button
                  type="button"
                  id={`cited-source-${s.n}`}
                  className={selected === s.n ? 'link selected' : 'link'}
                  aria-pressed={selected === s.n}
                  onClick={() => onSelect(s.n)}
                >
                  [{s.n}] {s.title}
                </button>
              </li>
            ))}
          </ol>
        )}
        {source && (
          <div className="card source-detail" aria-live="polite" data-testid="source-detail">
            <ol className="sources">
              <SourceItem source={source} />
            </ol>
          </div>
        )}
      </div>
      <div>
        <h3>Cited sentences</h3>
        {article.citations.length === 0 ? (
          <Empty>No citations were checked.</Empty>
        ) : (
          <ul className="citations">
            {article.citations.map((c: Citation, i) => (
              <li
                // biome-ignore lint/suspicious/noArrayIndexKey: the same sentence may be cited more than once
                key={i}
                className={c.supported ? 'supported' : 'unsupported'}
              >
                <span className={`badge ${c.supported ? 'status-completed' : 'status-failed'}`}>
                  {c.supported ? 'supported' : 'unsupported'}
                </span>{' '}
                {c.sentence}{' '}
                {c.sources.map((n) => (
                  <button
                    key={n}
                    type="button"
                    className="cite"
                    onClick={() => onSelect(n)}
                    aria-label={`Show source ${n}`}
                  >
                    [{n}]
                  </button>
                ))}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function FactCheckPanel({ article, onSelect }: { article: Article; onSelect: (n: number) => void }) {
  if (!article.factCheck) return <Empty>Fact checking was off for this article.</Empty>;
  if (article.factCheck.claims.length === 0) return <Empty>No checkable claims were found.</Empty>;
  return (
    <ul className="claims">
      {article.factCheck.claims.map((c, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: claims have no id and may repeat
        <li key={i} className={`claim verdict-${c.verdict}`}>
          <span className={`badge verdict-${c.verdict}`}>{c.verdict}</span> {c.claim}
          {c.note && <p className="meta">{c.note}</p>}
          {c.sources.map((n) => (
            <button
              key={n}
              type="button"
              className="cite"
              onClick={() => onSelect(n)}
              aria-label={`Show source ${n}`}
            >
              [{n}]
            </button>
          ))}
        </li>
      ))}
    </ul>
  );
}

function SeoPanel({ article }: { article: Article }) {
  const seo = article.seo;
  if (!seo) return <Empty>The SEO pack was off for this article.</Empty>;
  return (
    <div className="grid-2">
      <div>
        <p className="big-number">
          {Math.round(seo.score)}
          <span className="meta"> / 100 SEO score</span>
        </p>
        <dl className="facts">
          <dt>Meta title</dt>
          <dd className="break">{seo.metaTitle}</dd>
          <dt>Meta description</dt>
          <dd className="break">{seo.metaDescription}</dd>
          <dt>Keywords</dt>
          <dd>{seo.keywords.join(', ') || '—'}</dd>
          {Object.entries(seo.readability ?? {}).map(([k, v]) => (
            <div key={k}>
              <dt>{k.replace(/([A-Z])/g, ' $1').toLowerCase()}</dt>
              <dd>{typeof v === 'number' ? Math.round(v * 10) / 10 : String(v)}</dd>
            </div>
          ))}
        </dl>
      </div>
      <div>
        <h3>Issues</h3>
        {seo.issues.length === 0 ? (
          <Empty>No issues found.</Empty>
        ) : (
          <ul className="issues">
            {seo.issues.map((issue) => (
              <li key={issue.code + issue.message}>
                <strong>{issue.message}</strong>
                <p>Fix: {issue.fix}</p>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function RegeneratePanel({ article, reload }: { article: Article; reload: () => Promise<void> }) {
  const [index, setIndex] = useState<number>(article.sections[0]?.index ?? 0);
  const [state, setState] = useState<'idle' | 'running' | 'done'>('idle');
  const [error, setError] = useState<unknown>();
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  if (article.sections.length === 0) return <Empty>This article has no sections to regenerate.</Empty>;
  const start = async () => {
    setError(undefined);
    setState('running');
    try {
      await api('POST', `/api/v1/articles/${article.id}/sections/${index}/regenerate`);
      const poll = async () => {
        try {
          const a = await api<Article>('GET', `/api/v1/articles/${article.id}`);
          if (a.status === 'queued' || a.status === 'running') {
            timer.current = window.setTimeout(poll, 1000);
            return;
          }
          setState('done');
          await reload();
        } catch (e) {
          setError(e);
          setState('idle');
        }
      };
      timer.current = window.setTimeout(poll, 500);
    } catch (e) {
      setError(e);
      setState('idle');
    }
  };
  return (
    <div className="form">
      <label htmlFor="regen-section">Section</label>
      <select id="regen-section" value={index} onChange={(e) => setIndex(Number(e.target.value))}>
        {article.sections.map((s) => (
          <option key={s.index} value={s.index}>
            {s.index + 1}. {s.heading}
          </option>
        ))}
      </select>
      <p className="hint">A new run rewrites this section; the current text is kept as a version.</p>
      <div className="actions">
        <button type="button" onClick={start} disabled={state === 'running'}>
          {state === 'running' ? 'Regenerating…' : 'Regenerate section'}
        </button>
      </div>
      <p role="status">
        {state === 'running' ? (
          <>
            Rewriting the section… <Link to={`/articles/${article.id}/live`}>Watch it live</Link>
          </>
        ) : state === 'done' ? (
          'Section regenerated. The previous text is kept in Versions.'
        ) : (
          ''
        )}
      </p>
      <ErrorBox error={error} />
    </div>
  );
}

function VersionsPanel({
  article,
  current,
  onRestored,
}: {
  article: Article;
  current: string;
  onRestored: (a: Article) => void;
}) {
  const versions = useLoad(
    () => api<{ items: VersionSummary[] }>('GET', `/api/v1/articles/${article.id}/versions`),
    [article.id, article.updatedAt],
  );
  const [open, setOpen] = useState<Version>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const show = async (v: VersionSummary) => {
    setError(undefined);
    try {
      setOpen(await api<Version>('GET', `/api/v1/articles/${article.id}/versions/${v.id}`));
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
      onRestored(await api<Article>('POST', `/api/v1/articles/${article.id}/versions/${v.id}/restore`));
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

function ExportPanel({ article, dirty }: { article: Article; dirty: boolean }) {
  const [error, setError] = useState<string>();
  const formats = [
    ['md', 'Markdown'],
    ['html', 'HTML'],
    ['txt', 'Plain text'],
    ['json', 'JSON'],
  ] as const;
  return (
    <div>
      {dirty && <p className="notice">You have unsaved changes: exports contain the saved text.</p>}
      <div className="actions">
        {formats.map(([format, label]) => (
          <button
            key={format}
            type="button"
            className="secondary"
            onClick={() =>
              download(
                `/api/v1/articles/${article.id}/export?format=${format}`,
                `${article.slug || 'article'}.${format}`,
              ).catch((e: unknown) => setError(messageOf(e)))
            }
          >
            Export {label}
          </button>
        ))}
      </div>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
