// Editor › remix: the saved article rewritten for another channel — an X thread, a LinkedIn post, a
// newsletter, a video script or slides — each part to adjust and copy, with its length against the
// platform's limit. Nothing is stored; Stop (or leaving) cancels the model call.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { type Article, api, fieldErrors, type Json } from '../../api.ts';
import { CallUsage } from '../../components/CallUsage.tsx';
import { CopyableText } from '../../components/CopyableText.tsx';
import { streamModelCall } from '../../model-stream.ts';
import { Field, FormError, useLoad } from '../../ui.tsx';

type RemixResult = Json<'/api/v1/articles/{id}/remix', 'POST'>;
type Format = RemixResult['format'];

const formats: Array<{ id: Format; label: string }> = [
  { id: 'x-thread', label: 'X thread' },
  { id: 'linkedin', label: 'LinkedIn post' },
  { id: 'newsletter', label: 'Newsletter' },
  { id: 'video-script', label: 'Video script' },
  { id: 'slides', label: 'Slide outline' },
];

/** How many items of the first list in the answer so far (posts, scenes, slides). */
function writtenSoFar(partial: unknown): number {
  if (!partial || typeof partial !== 'object') return 0;
  const list = Object.values(partial).find(Array.isArray);
  return Array.isArray(list) ? list.length : 0;
}

function bodyOf(form: HTMLFormElement, format: Format): Record<string, unknown> {
  const data = new FormData(form);
  const text = (name: string) => {
    const v = data.get(name);
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  const count = (name: string) => {
    const v = text(name);
    return v && /^\d+$/.test(v) ? Number(v) : v;
  };
  const voice = text('brandVoiceId');
  const body: Record<string, unknown> = {
    format,
    ...(voice === 'none' ? { brandVoiceId: null } : voice ? { brandVoiceId: voice } : {}),
    ...(text('audience') && { audience: text('audience') }),
    ...(text('tone') && { tone: text('tone') }),
    ...(text('instruction') && { instruction: text('instruction') }),
  };
  if (format === 'x-thread') {
    if (text('posts')) body.posts = count('posts');
    if (!data.get('numbered')) body.numbered = false;
  }
  if (format === 'slides' && text('slides')) body.slides = count('slides');
  if (format === 'video-script' && text('minutes')) body.minutes = count('minutes');
  return body;
}

export function RemixPanel({
  article,
  dirty,
  editable,
}: {
  article: Article;
  dirty: boolean;
  editable: boolean;
}) {
  const voices = useLoad(() => api('GET', '/api/v1/brand-voices'), []);
  const [format, setFormat] = useState<Format>('x-thread');
  const [busy, setBusy] = useState(false);
  const [soFar, setSoFar] = useState(0);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<RemixResult>();
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(), []);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const body = bodyOf(e.currentTarget, format);
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    setBusy(true);
    setSoFar(0);
    setError(undefined);
    try {
      setResult(
        await streamModelCall<RemixResult>(`/api/v1/articles/${encodeURIComponent(article.id)}/remix`, body, {
          signal: controller.signal,
          onPartial: (p) => setSoFar(writtenSoFar(p)),
        }),
      );
    } catch (err) {
      if (!controller.signal.aborted) setError(err);
    } finally {
      if (running.current === controller) {
        running.current = null;
        setBusy(false);
      }
    }
  };
  const stop = () => {
    running.current?.abort();
    running.current = null;
    setBusy(false);
  };

  if (!editable) return <p className="hint">Editors and above remix articles.</p>;
  const errors = fieldErrors(error);
  const number = (name: string, label: string, min: number, max: number, hint: string) => (
    <Field label={label} hint={hint} {...(errors[name] ? { error: errors[name] } : {})}>
      {(ids) => (
        <input
          id={ids.id}
          name={name}
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          aria-describedby={ids.describedBy}
          aria-invalid={ids.invalid || undefined}
        />
      )}
    </Field>
  );

  return (
    <div className="remix">
      <form className="form" onSubmit={submit} noValidate aria-label="Remix">
        <fieldset className="panel-tabs">
          <legend className="sr-only">Format</legend>
          {formats.map((f) => (
            <button
              key={f.id}
              type="button"
              className="tab"
              aria-pressed={format === f.id}
              onClick={() => {
                setFormat(f.id);
                setResult(undefined);
                setError(undefined);
              }}
            >
              {f.label}
            </button>
          ))}
        </fieldset>
        <div className="grid-2">
          {format === 'x-thread' && (
            <>
              {number('posts', 'Posts (optional)', 3, 25, 'About how many; 8 when empty')}
              <label className="inline">
                <input type="checkbox" name="numbered" defaultChecked /> Number the posts (“1/8”)
              </label>
            </>
          )}
          {format === 'slides' && number('slides', 'Slides (optional)', 3, 30, '10 when empty')}
          {format === 'video-script' && number('minutes', 'Minutes (optional)', 1, 20, '3 when empty')}
          <Field label="Brand voice" {...(errors.brandVoiceId ? { error: errors.brandVoiceId } : {})}>
            {(ids) => (
              <select id={ids.id} name="brandVoiceId" defaultValue="" aria-describedby={ids.describedBy}>
                <option value="">The article’s own</option>
                <option value="none">None</option>
                {(voices.data?.items ?? []).map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Audience (optional)" {...(errors.audience ? { error: errors.audience } : {})}>
            {(ids) => (
              <input id={ids.id} name="audience" maxLength={200} aria-describedby={ids.describedBy} />
            )}
          </Field>
          <Field label="Tone (optional)" {...(errors.tone ? { error: errors.tone } : {})}>
            {(ids) => <input id={ids.id} name="tone" maxLength={100} aria-describedby={ids.describedBy} />}
          </Field>
        </div>
        <Field
          label="What to emphasise (optional)"
          hint="e.g. “focus on the costs”"
          {...(errors.instruction ? { error: errors.instruction } : {})}
        >
          {(ids) => (
            <input id={ids.id} name="instruction" maxLength={500} aria-describedby={ids.describedBy} />
          )}
        </Field>
        <p className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Remixing…' : 'Remix'}
          </button>
          {busy && (
            <button type="button" className="secondary" onClick={stop}>
              Stop
            </button>
          )}
        </p>
        <p className="hint">
          Made from the saved text.{dirty ? ' Save first to remix your latest changes.' : ''}
        </p>
      </form>
      <FormError
        error={error}
        fields={['posts', 'slides', 'minutes', 'brandVoiceId', 'audience', 'tone', 'instruction']}
      />
      {busy && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> Writing{soFar > 0 ? ` — ${soFar} so far` : '…'}
        </p>
      )}
      {result && !busy && result.format === format && (
        <section aria-label="Remix" className="tool-results">
          {result.condensed && (
            <p className="notice">
              The article is longer than the model can read at once: it was given every heading and the start
              of each section.
            </p>
          )}
          {result.parts.map((part, i) => (
            <CopyableText
              key={`${result.format}-${part.label}`}
              id={`remix-part-${i}`}
              label={part.label}
              value={part.text}
              limit={part.limit}
            />
          ))}
          {result.repairs.map((r) => (
            <p key={`${r.index}-${r.field}`} className="hint">
              {r.message}.
            </p>
          ))}
          {result.parts.length > 1 && (
            <CopyableText id="remix-all" label="All of it, to paste" value={result.text} />
          )}
          <CallUsage usage={result.usage} />
        </section>
      )}
    </div>
  );
}
