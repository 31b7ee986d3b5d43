// The brief form. Validation is the API's: its 400 details land next to the fields they name.
import { type FormEvent, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api, type ErrorDetail } from '../api.ts';
import { ConnectModelBanner, useModelReadiness } from '../components/ConnectModelBanner.tsx';
import { CostEstimate } from '../components/CostEstimate.tsx';
import { usePagedLoad } from '../components/LoadMore.tsx';
import { randomKey } from '../idempotency-key.ts';
import { plainMessage } from '../plain-errors.ts';
import { Link, navigate, useLeaveGuard } from '../router.tsx';
import { ErrorBox, Field, usePageTitle } from '../ui.tsx';
import { BrandVoicePicker } from './new-article/BrandVoicePicker.tsx';
import { DocumentPicker } from './new-article/DocumentPicker.tsx';
import { GuidePicker } from './new-article/GuidePicker.tsx';

const fieldKeys = [
  'topic',
  'title',
  'audience',
  'tone',
  'words',
  'keywords',
  'language',
  'outline',
  'research.web',
  'research.knowledge',
  'research.maxWebSources',
  'research.documents',
  'research.urls',
  'brandVoiceId',
  'factCheck',
  'seo',
  'kind',
  'guide',
  'guide.specDocumentId',
  'guide.operations',
  'guide.languages',
] as const;
type FieldKey = (typeof fieldKeys)[number];

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Groups API error details by form field; `research.urls.1` → `research.urls`: "Line 2: …". */
export function briefErrors(details: ErrorDetail[]): {
  byField: Partial<Record<FieldKey, string>>;
  other: string[];
} {
  const byField: Partial<Record<FieldKey, string>> = {};
  const other: string[] = [];
  for (const d of details) {
    const key = [...fieldKeys]
      .sort((a, b) => b.length - a.length)
      .find((k) => d.path === k || d.path.startsWith(`${k}.`));
    const plain = plainMessage(d.message, d.path);
    if (!key) {
      other.push(plain);
      continue;
    }
    const rest = d.path.slice(key.length + 1);
    const index = /^\d+$/.test(rest) ? Number(rest) : null;
    const message =
      index === null
        ? plain
        : key === 'guide.operations' || key === 'guide.languages'
          ? plain
          : `${key === 'keywords' ? 'Keyword' : 'Line'} ${index + 1}: ${plain}`;
    byField[key] = byField[key] ? `${byField[key]} ${message}` : message;
  }
  return { byField, other };
}

/** The brief as the form holds it, in the API's shape (the API validates it). */
function briefOf(formElement: HTMLFormElement) {
  const form = new FormData(formElement);
  const text = (k: string) => String(form.get(k) ?? '').trim();
  const optional = (k: string) => (text(k) ? text(k) : undefined);
  const wordsText = text('words');
  const guide = form.get('kind') === 'integration-guide';
  const operations = form.getAll('operations').map(String);
  return {
    topic: text('topic'),
    title: optional('title'),
    audience: optional('audience'),
    tone: optional('tone'),
    words: wordsText ? Number(wordsText) : undefined,
    keywords: text('keywords')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    language: optional('language'),
    outline: lines(text('outline')).length ? lines(text('outline')) : undefined,
    research: {
      web: form.get('web') === 'on',
      knowledge: form.get('knowledge') === 'on',
      maxWebSources: text('maxWebSources') ? Number(text('maxWebSources')) : undefined,
      documents: form.getAll('documents').map(String),
      urls: lines(text('urls')),
    },
    brandVoiceId: optional('brandVoiceId'),
    factCheck: form.get('factCheck') === 'on',
    seo: form.get('seo') === 'on',
    ...(guide
      ? {
          kind: 'integration-guide' as const,
          guide: {
            specDocumentId: text('specDocumentId'),
            ...(operations.length > 0 ? { operations } : {}),
            languages: form.getAll('languages').map(String) as Array<'curl' | 'javascript' | 'python'>,
          },
        }
      : {}),
  };
}

export function NewArticle() {
  usePageTitle('New article');
  // Only ready documents can ground an article; past the first page, "Load more".
  const documents = usePagedLoad(
    (cursor) =>
      api('GET', '/api/v1/documents', {
        query: { limit: 100, status: 'ready', ...(cursor ? { cursor } : {}) },
      }),
    [],
  );
  const models = useModelReadiness();
  // An article, or an integration guide from an OpenAPI document (its picker shows when chosen).
  const [kind, setKind] = useState<'article' | 'integration-guide'>('article');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  // The brief as typed, for the estimate under Generate (null until a topic is given).
  const [draft, setDraft] = useState<ReturnType<typeof briefOf> | null>(null);
  const formChanged = (e: FormEvent<HTMLFormElement>) => {
    const brief = briefOf(e.currentTarget);
    setDraft(brief.topic ? brief : null);
  };
  // One key per distinct brief: resubmitting the same brief (a retry after a network error) cannot
  // start a second run, while a corrected brief is a new request.
  const lastAttempt = useRef<{ key: string; body: string } | null>(null);
  const errors = useMemo(
    () => briefErrors(error instanceof ApiError && error.code === 'validation_error' ? error.details : []),
    [error],
  );

  // After the API refused the brief, focus the first field it complained about.
  useEffect(() => {
    if (error instanceof ApiError && error.code === 'validation_error')
      document.querySelector<HTMLElement>('form [aria-invalid="true"]')?.focus();
  }, [error]);

  const idempotencyKey = (brief: unknown) => {
    const body = JSON.stringify(brief);
    if (lastAttempt.current?.body !== body) lastAttempt.current = { key: randomKey(), body };
    return lastAttempt.current.key;
  };

  // A brief being written is not dropped by a stray click on the navigation; once its run is
  // created the guard is gone (React drops it before the effect that opens the live view runs).
  const [created, setCreated] = useState<string>();
  useLeaveGuard(
    draft !== null && created === undefined,
    'Leave this page and lose the brief you are writing?',
  );
  useEffect(() => {
    if (created) navigate(`/articles/${created}/live`);
  }, [created]);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const brief = briefOf(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const run = await api('POST', '/api/v1/articles', {
        body: brief,
        headers: { 'idempotency-key': idempotencyKey(brief) },
      });
      setCreated(run.id);
    } catch (err) {
      setError(err);
      // The model was disconnected since the page loaded: show the banner rather than the refusal.
      if (err instanceof ApiError && err.code === 'unavailable') void models.reload();
    } finally {
      setBusy(false);
    }
  };

  const f = errors.byField;
  const input = (name: string, key: FieldKey, props: Record<string, unknown> = {}) =>
    function render(ids: { id: string; describedBy: string | undefined; invalid: boolean }) {
      return (
        <input
          id={ids.id}
          name={name}
          aria-describedby={ids.describedBy}
          aria-invalid={ids.invalid || undefined}
          data-field={key}
          {...props}
        />
      );
    };

  const noModel = models.ready === false;
  // Searching the knowledge base finds nothing in a library with no ready document: the box is
  // shown (so writers learn it exists) but offered only once there is one to search.
  const noDocuments = documents.data?.items.length === 0;
  const check = (
    name: 'web' | 'knowledge' | 'factCheck' | 'seo',
    key: FieldKey,
    label: string,
    options: { checked?: boolean; disabled?: boolean; hint?: ReactNode } = {},
  ) => (
    <li>
      <label>
        <input
          type="checkbox"
          name={name}
          defaultChecked={options.checked ?? false}
          disabled={options.disabled}
          aria-invalid={f[key] ? true : undefined}
          aria-describedby={
            [options.hint ? `${name}-hint` : '', f[key] ? `${name}-error` : ''].filter(Boolean).join(' ') ||
            undefined
          }
          data-field={key}
        />{' '}
        {label}
      </label>
      {options.hint && (
        <p className="hint" id={`${name}-hint`}>
          {options.hint}
        </p>
      )}
      {f[key] && (
        <p className="field-error" id={`${name}-error`}>
          {f[key]}
        </p>
      )}
    </li>
  );

  return (
    <>
      <h1>New article</h1>
      {noModel && <ConnectModelBanner />}
      <form
        className="card form"
        onSubmit={submit}
        onChange={formChanged}
        noValidate
        aria-describedby="brief-help"
      >
        <p id="brief-help" className="hint">
          Only the topic is required. Sources make the article cited; without any it is written and marked
          ungrounded.
        </p>
        <fieldset className={f.kind ? 'has-error' : undefined}>
          <legend>What to write</legend>
          <ul className="checks">
            {(
              [
                ['article', 'Article', 'A cited long-form article on the topic.'],
                [
                  'integration-guide',
                  'Integration guide',
                  'A tutorial on calling an API, with working code samples from its OpenAPI spec.',
                ],
              ] as const
            ).map(([value, label, hint]) => (
              <li key={value}>
                <label>
                  <input
                    type="radio"
                    name="kind"
                    value={value}
                    checked={kind === value}
                    onChange={() => setKind(value)}
                    aria-describedby={`kind-${value}-hint`}
                    data-field="kind"
                  />{' '}
                  {label}
                </label>
                <p className="hint" id={`kind-${value}-hint`}>
                  {hint}
                </p>
              </li>
            ))}
          </ul>
          {f.kind && <p className="field-error">{f.kind}</p>}
        </fieldset>
        {kind === 'integration-guide' && (
          <GuidePicker
            errors={{
              spec: f['guide.specDocumentId'] ?? f.guide,
              operations: f['guide.operations'],
              languages: f['guide.languages'],
            }}
          />
        )}
        <Field label="Topic" error={f.topic}>
          {input('topic', 'topic', { required: true, maxLength: 300, autoFocus: true })}
        </Field>
        <div className="grid-2">
          <Field label="Working title (optional)" error={f.title}>
            {input('title', 'title')}
          </Field>
          <Field label="Audience (optional)" hint='e.g. "engineering managers"' error={f.audience}>
            {input('audience', 'audience')}
          </Field>
          <Field label="Tone (optional)" hint='e.g. "friendly", "authoritative"' error={f.tone}>
            {input('tone', 'tone')}
          </Field>
          <Field label="Length in words" hint="300 to 10,000" error={f.words}>
            {input('words', 'words', { type: 'number', inputMode: 'numeric', defaultValue: 1500, step: 100 })}
          </Field>
          <Field
            label="Keywords (optional)"
            hint="Comma separated; the first is the primary keyword."
            error={f.keywords}
          >
            {input('keywords', 'keywords')}
          </Field>
          <Field label="Language" hint='A language tag such as "en" or "pt-BR"' error={f.language}>
            {input('language', 'language', { defaultValue: 'en' })}
          </Field>
        </div>
        <div className="grid-2">
          <BrandVoicePicker error={f.brandVoiceId} />
        </div>
        <Field label="Outline (optional)" hint="One section heading per line." error={f.outline}>
          {(ids) => (
            <textarea
              id={ids.id}
              name="outline"
              rows={4}
              aria-describedby={ids.describedBy}
              aria-invalid={ids.invalid || undefined}
              data-field="outline"
            />
          )}
        </Field>
        <DocumentPicker documents={documents} error={f['research.documents']} />
        <Field
          label="Web pages to use (optional)"
          hint="One http(s) URL per line."
          error={f['research.urls']}
        >
          {(ids) => (
            <textarea
              id={ids.id}
              name="urls"
              rows={3}
              aria-describedby={ids.describedBy}
              aria-invalid={ids.invalid || undefined}
              data-field="research.urls"
            />
          )}
        </Field>
        <fieldset>
          <legend>Research and checks</legend>
          <ul className="checks">
            {check('web', 'research.web', 'Search the web for sources')}
            {check('knowledge', 'research.knowledge', 'Search our knowledge base for sources', {
              disabled: !documents.data?.items.length,
              hint: noDocuments ? (
                <>
                  Needs a ready document: <Link to="/knowledge">upload one</Link> to the knowledge library.
                </>
              ) : undefined,
            })}
            {check('factCheck', 'factCheck', 'Fact-check claims against the sources', { checked: true })}
            {check('seo', 'seo', 'SEO pack (score, meta title and description)', { checked: true })}
          </ul>
          <Field
            label="Web pages to read"
            hint="With web search: at most this many pages, 1 to 20. More pages back more claims; each adds search and reading time."
            error={f['research.maxWebSources']}
          >
            {input('maxWebSources', 'research.maxWebSources', {
              type: 'number',
              inputMode: 'numeric',
              defaultValue: 10,
              min: 1,
              max: 20,
            })}
          </Field>
        </fieldset>
        {errors.other.length > 0 && (
          <ul className="error-box" role="alert">
            {errors.other.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
        {error && !(error instanceof ApiError && error.code === 'validation_error') && !noModel ? (
          <ErrorBox error={error} />
        ) : null}
        {error instanceof ApiError && error.code === 'validation_error' && errors.other.length === 0 ? (
          <p className="error-box" role="alert">
            Please fix the {Object.keys(errors.byField).length === 1 ? 'field' : 'fields'} marked above.
          </p>
        ) : null}
        <div className="actions">
          <button
            type="submit"
            disabled={busy || noModel}
            aria-describedby={noModel ? 'connect-model-heading' : undefined}
          >
            {busy ? 'Starting…' : kind === 'integration-guide' ? 'Generate guide' : 'Generate article'}
          </button>
          {noModel && <span className="hint">Generate is available once a model is connected.</span>}
        </div>
        {models.ready && <CostEstimate brief={draft} />}
      </form>
    </>
  );
}
