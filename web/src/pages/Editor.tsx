// The editor: Markdown with a live sanitized preview, the editorial status and tags, and panels for
// citations, fact check, SEO, originality, section regeneration, remix, versions (diff, restore),
// export and publishing to WordPress or Ghost.
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
import { ApiError, type Article, api, type Me, when } from '../api.ts';
import { costText } from '../components/prices.ts';
import { citesUnsupported, renderMarkdown } from '../markdown.ts';
import { Link, useLeaveGuard } from '../router.tsx';
import { titleOf, withTitle } from '../title.ts';
import { ErrorBox, Loading, StatusBadge, useLoad, usePageTitle } from '../ui.tsx';
import { CitationsPanel } from './editor/Citations.tsx';
import { EditorialPanel } from './editor/Editorial.tsx';
import { ExportPanel } from './editor/Export.tsx';
import { FactCheckPanel, type Place } from './editor/FactCheck.tsx';
import { OriginalityPanel } from './editor/Originality.tsx';
import { PublishPanel } from './editor/Publish.tsx';
import { RegeneratePanel } from './editor/Regenerate.tsx';
import { RemixPanel } from './editor/Remix.tsx';
import { SeoPanel } from './editor/Seo.tsx';
import { selectInTextarea } from './editor/select-text.ts';
import { VersionsPanel } from './editor/Versions.tsx';
import { rank } from './settings/Members.tsx';

const panels = [
  'citations',
  'fact-check',
  'seo',
  'originality',
  'sections',
  'remix',
  'versions',
  'export',
  'publish',
] as const;
type Panel = (typeof panels)[number];
const panelLabels: Record<Panel, string> = {
  citations: 'Citations',
  'fact-check': 'Fact check',
  seo: 'SEO',
  originality: 'Originality',
  sections: 'Regenerate',
  remix: 'Remix',
  versions: 'Versions',
  export: 'Export',
  publish: 'Publish',
};

export function Editor({ id, me }: { id: string; me: Me }) {
  const loaded = useLoad(() => api('GET', '/api/v1/articles/{id}', { params: { id } }), [id]);
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
  return (
    <EditorLoaded
      article={article}
      editor={rank[me.workspace.role] >= rank.editor}
      admin={rank[me.workspace.role] >= rank.admin}
      onChange={(a) => loaded.setData(a)}
      reload={loaded.reload}
    />
  );
}

function EditorLoaded({
  article,
  editor,
  admin,
  onChange,
  reload,
}: {
  article: Article;
  /** An editor or above: the API takes the editorial marks from them only. */
  editor: boolean;
  /** An admin or above: the one who adds publishing destinations. */
  admin: boolean;
  onChange: (a: Article) => void;
  reload: () => Promise<void>;
}) {
  const [markdown, setMarkdown] = useState(article.markdown);
  // Without a `# ` heading in the text, the title lives in its own field.
  const [looseTitle, setLooseTitle] = useState(article.title);
  const heading = titleOf(markdown);
  const title = heading ?? looseTitle;
  // The Title field as typed, with the Markdown that typing made. The heading is read trimmed, so
  // showing it would swallow a space just typed at the end ("Heat pumps" → "Heatpumps"); the typed
  // text is shown until the Markdown changes some other way.
  const [typed, setTyped] = useState<{ value: string; markdown: string }>();
  const titleField = typed?.markdown === markdown ? typed.value : title;
  const setTitle = (value: string) => {
    if (heading === null) {
      setLooseTitle(value);
      return;
    }
    const next = withTitle(markdown, value);
    setMarkdown(next);
    setTyped({ value, markdown: next });
  };
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [conflict, setConflict] = useState(false);
  const [notice, setNotice] = useState('');
  const [panel, setPanel] = useState<Panel>('citations');
  const [remixOpened, setRemixOpened] = useState(false);
  if (panel === 'remix' && !remixOpened) setRemixOpened(true);
  const [selected, setSelected] = useState<number | null>(null);
  // Narrow screens show one pane at a time.
  const [view, setView] = useState<'write' | 'preview'>('write');
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [selection, setSelection] = useState<{ start: number; end: number }>();
  const deferred = useDeferredValue(markdown);
  const dirty = title !== article.title || markdown !== article.markdown;
  // Leaving with unsaved edits (a link, back, reload, closing the tab) asks first.
  useLeaveGuard(dirty);

  // A saved, restored or regenerated text replaces what the fields hold. Keyed on the stored text,
  // not on `updatedAt`: a favorite or a regeneration's proposal changes that too, and once wiped
  // the unsaved edits.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the stored text changes
  useEffect(() => {
    setLooseTitle(article.title);
    setMarkdown(article.markdown);
    setTyped(undefined);
    setConflict(false);
  }, [article.title, article.markdown, article.id]);

  const unsupported = useMemo(() => article.citations.filter((c) => !c.supported), [article.citations]);
  const preview = useMemo(
    () =>
      renderMarkdown(deferred, {
        unsupported: (numbers, sentence) => citesUnsupported(unsupported, numbers, sentence),
      }),
    [deferred, unsupported],
  );

  // Saved on the text as it was read: if someone else saved since, the server refuses (409) and the
  // editor asks whether to replace their text (kept in Versions) or to load it instead of this one.
  // A save in flight: a second Ctrl+S (or a held key's repeats) waits for it rather than sending the
  // same text on the same read again, which the server answers with a conflict against itself.
  const inFlight = useRef(false);
  const save = useCallback(
    async (overwrite = false) => {
      if (!dirty || inFlight.current) return;
      inFlight.current = true;
      setSaving(true);
      setSaveError(undefined);
      try {
        const next = await api('PATCH', '/api/v1/articles/{id}', {
          params: { id: article.id },
          body: {
            ...(title !== article.title ? { title } : {}),
            ...(markdown !== article.markdown ? { markdown } : {}),
            ...(overwrite ? {} : { expectedUpdatedAt: article.updatedAt }),
          },
        });
        setConflict(false);
        setNotice('Saved. The previous text is kept in Versions.');
        onChange(next);
      } catch (e) {
        if (
          e instanceof ApiError &&
          e.status === 409 &&
          e.details.some((d) => d.path === 'expectedUpdatedAt')
        )
          setConflict(true);
        else setSaveError(e);
      } finally {
        inFlight.current = false;
        setSaving(false);
      }
    },
    [article, dirty, markdown, onChange, title],
  );

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

  // A claim or flagged passage shown in the text: selected in the textarea, found by its text when
  // unsaved edits moved it.
  const locate = (place: Place) => {
    const at =
      markdown.slice(place.start, place.end) === place.text ? place.start : markdown.indexOf(place.text);
    if (at < 0) {
      setNotice('That sentence is not in the text as it is now.');
      return;
    }
    setView('write');
    setSelection({ start: at, end: at + place.text.length });
  };
  // Selected once the write pane is shown (on a phone it may have been hidden).
  useEffect(() => {
    if (selection && textarea.current) selectInTextarea(textarea.current, selection.start, selection.end);
  }, [selection]);

  const onPreviewClick = (e: MouseEvent<HTMLDivElement>) => {
    const target = (e.target as HTMLElement).closest<HTMLElement>('button.cite');
    const first = target?.dataset.cite?.split(',')[0];
    if (first) showSource(Number(first));
  };

  // Only the mark is taken from the answer: it carries the stored text too, and a colleague's save
  // in it would replace the unsaved edits (and the read a save is checked against).
  const toggleFavorite = async () => {
    try {
      const next = await api('PATCH', '/api/v1/articles/{id}', {
        params: { id: article.id },
        body: { favorite: !article.favorite },
      });
      onChange({ ...article, favorite: next.favorite });
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
        {article.wordCount} words ·{' '}
        <span
          data-testid="article-cost"
          title={
            article.usage.costKnown
              ? undefined
              : `No price is known for ${article.usage.unpricedModels.join(', ')}`
          }
        >
          {costText(article.usage.costUsd, article.usage.costKnown)}
        </span>
        {article.usage.estimated ? ' (estimated: the model reported no token usage)' : ''} · updated{' '}
        {when(article.updatedAt)}
        {article.error ? ` · ${article.error}` : ''}
      </p>
      <EditorialPanel
        article={article}
        editable={editor}
        onMarked={(marks) => onChange({ ...article, ...marks })}
      />
      <ErrorBox error={saveError} />
      {conflict && (
        <div className="error-box" role="alert" data-testid="save-conflict">
          <p>Someone else saved this article after you opened it. Your text is still here, not saved.</p>
          <p className="actions">
            <button type="button" onClick={() => void save(true)} disabled={saving}>
              Save mine anyway
            </button>
            <button type="button" className="secondary" onClick={() => void reload()} disabled={saving}>
              Discard mine, load theirs
            </button>
          </p>
          <p className="hint">Saving yours keeps theirs in Versions.</p>
        </div>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <fieldset className="view-toggle">
        <legend className="sr-only">Show</legend>
        {(['write', 'preview'] as const).map((v) => (
          <button key={v} type="button" className="tab" aria-pressed={view === v} onClick={() => setView(v)}>
            {v === 'write' ? 'Write' : 'Preview'}
          </button>
        ))}
      </fieldset>
      <div className={`editor-grid show-${view}`}>
        <div className="editor-pane write-pane">
          <label htmlFor="article-title">Title</label>
          <input
            id="article-title"
            value={titleField}
            onChange={(e) => setTitle(e.target.value)}
            aria-describedby="article-title-hint"
          />
          <p className="hint" id="article-title-hint">
            {heading === null
              ? 'The text has no “# ” heading: this is the title.'
              : 'The same as the “# ” heading at the top of the text: change either.'}
          </p>
          <label htmlFor="article-markdown">Markdown</label>
          <textarea
            id="article-markdown"
            ref={textarea}
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
        <section className="editor-pane preview-pane" aria-labelledby="preview-heading">
          <h2 id="preview-heading">Preview</h2>
          {/* biome-ignore lint/a11y/useKeyWithClickEvents: the citation markers inside are buttons; this delegates their clicks */}
          <div
            className="prose preview"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a long preview scrolls; the keyboard must reach it (axe: scrollable-region-focusable)
            tabIndex={0}
            role="document"
            aria-label="Preview of the article"
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
              {p === 'fact-check' && article.instructionFlags.length > 0 ? ' (review flagged text)' : ''}
            </button>
          ))}
        </fieldset>
        <div className="panel-body">
          {panel === 'citations' && (
            <CitationsPanel article={article} selected={selected} onSelect={showSource} />
          )}
          {panel === 'fact-check' && (
            <FactCheckPanel
              article={article}
              dirty={dirty}
              onSelect={showSource}
              onLocate={locate}
              onChange={onChange}
            />
          )}
          {panel === 'seo' && <SeoPanel article={article} />}
          {panel === 'originality' && (
            <OriginalityPanel article={article} dirty={dirty} onSelect={showSource} onLocate={locate} />
          )}
          {/* Kept while another panel shows: a regeneration it started goes on being followed. */}
          <div hidden={panel !== 'sections'}>
            <RegeneratePanel article={article} reload={reload} onChange={onChange} dirty={dirty} />
          </div>
          {/* Made when first opened, then kept while another panel shows: a remix being written goes
              on, and stays to copy. */}
          {remixOpened && (
            <div hidden={panel !== 'remix'}>
              <RemixPanel article={article} dirty={dirty} editable={editor} />
            </div>
          )}
          {panel === 'versions' && (
            <VersionsPanel article={article} current={markdown} dirty={dirty} onRestored={onChange} />
          )}
          {panel === 'export' && (
            <ExportPanel article={article} dirty={dirty} onReview={() => setPanel('fact-check')} />
          )}
          {panel === 'publish' && (
            <PublishPanel
              article={article}
              editable={editor}
              admin={admin}
              dirty={dirty}
              onMarked={(marks) => onChange({ ...article, ...marks })}
            />
          )}
        </div>
      </section>
    </div>
  );
}
