// Settings › Brand voices: the workspace's named writing guidelines, which a brief can name. Every
// member reads them; editors and above add, change and delete them (the API's guard on writes).
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, type BrandVoice, fieldErrors, when } from '../../api.ts';
import { Empty, ErrorBox, Field, Loading, Notice, useAction, useLoad } from '../../ui.tsx';

interface VoiceInput {
  name: string;
  guidelines: string;
}

const inputOf = (form: HTMLFormElement): VoiceInput => {
  const data = new FormData(form);
  return { name: String(data.get('name') ?? ''), guidelines: String(data.get('guidelines') ?? '') };
};

export function BrandVoicesSection({ editor }: { editor: boolean }) {
  const voices = useLoad(() => api('GET', '/api/v1/brand-voices'), []);
  const adding = useAction();
  // The list's own feedback (saved, deleted, a refused delete), apart from the form for adding.
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<unknown>();
  const [editing, setEditing] = useState<string>();
  // After an edit closes, focus goes back to its Edit button rather than to the top of the page.
  const [refocus, setRefocus] = useState<string>();
  useEffect(() => {
    if (refocus) document.querySelector<HTMLButtonElement>(`[data-voice="${refocus}"] .edit-voice`)?.focus();
  }, [refocus]);

  const items = voices.data?.items ?? [];
  const change = (update: (list: BrandVoice[]) => BrandVoice[]) =>
    voices.setData((d) => ({ items: update(d?.items ?? []), nextCursor: null }));

  const add = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const body = inputOf(formEl);
    setNotice('');
    const created = await adding.run(
      () => api('POST', '/api/v1/brand-voices', { body }),
      `Brand voice "${body.name.trim()}" added. Briefs can now name it.`,
    );
    if (!created) return;
    change((list) => [created, ...list]);
    formEl.reset();
  };

  const saved = (voice: BrandVoice) => {
    change((list) => list.map((v) => (v.id === voice.id ? voice : v)));
    setEditing(undefined);
    setRefocus(voice.id);
    setError(undefined);
    setNotice(`Brand voice "${voice.name}" saved.`);
  };

  const remove = async (voice: BrandVoice) => {
    if (
      !window.confirm(
        `Delete the brand voice "${voice.name}"? Articles already written keep their text; articles still being written, and sections regenerated later, no longer follow it.`,
      )
    )
      return;
    setError(undefined);
    setNotice('');
    try {
      await api('DELETE', '/api/v1/brand-voices/{id}', { params: { id: voice.id } });
      change((list) => list.filter((v) => v.id !== voice.id));
      setNotice(`Brand voice "${voice.name}" was deleted.`);
    } catch (err) {
      setError(err);
    }
  };

  const addErrors = fieldErrors(adding.error);
  return (
    <section className="card" aria-labelledby="brand-voices-heading" id="brand-voices">
      <h2 id="brand-voices-heading">Brand voices</h2>
      <p className="meta">
        How your brand writes — tone, vocabulary, do and don’t. A brief that names a voice has its guidelines
        in every writing prompt.
        {editor ? '' : ' Editors and above add and change them.'}
      </p>
      {voices.loading && !voices.data ? (
        <Loading label="Loading brand voices…" />
      ) : voices.error ? (
        <ErrorBox error={voices.error} />
      ) : items.length ? (
        <ul className="list voice-list" aria-label="Brand voices">
          {items.map((v) => (
            <li key={v.id} data-voice={v.id}>
              {editing === v.id ? (
                <EditVoice
                  voice={v}
                  onSaved={saved}
                  onCancel={() => {
                    setEditing(undefined);
                    setRefocus(v.id);
                  }}
                />
              ) : (
                <>
                  <div className="voice-head">
                    <strong className="break">{v.name}</strong>
                    <span className="meta">added {when(v.createdAt)}</span>
                    {editor && (
                      <span className="actions">
                        <button
                          type="button"
                          className="secondary small edit-voice"
                          onClick={() => {
                            setNotice('');
                            setRefocus(undefined);
                            setEditing(v.id);
                          }}
                          aria-label={`Edit ${v.name}`}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="danger small"
                          onClick={() => remove(v)}
                          aria-label={`Delete ${v.name}`}
                        >
                          Delete
                        </button>
                      </span>
                    )}
                  </div>
                  <p className="voice-guidelines">{v.guidelines}</p>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <Empty>
          No brand voices yet.{editor ? ' Add one below and pick it on the New article form.' : ''}
        </Empty>
      )}
      <ErrorBox error={error} />
      <Notice>{notice}</Notice>
      {editor && (
        <form className="form" onSubmit={add} noValidate aria-labelledby="add-voice-heading">
          <h3 id="add-voice-heading">Add a brand voice</h3>
          <VoiceFields errors={addErrors} />
          {adding.error && Object.keys(addErrors).length === 0 ? <ErrorBox error={adding.error} /> : null}
          <div className="actions">
            <button type="submit" disabled={adding.busy}>
              {adding.busy ? 'Adding…' : 'Add brand voice'}
            </button>
          </div>
          <Notice>{adding.notice}</Notice>
        </form>
      )}
    </section>
  );
}

/** Name and guidelines, empty for a new voice or filled with the one being edited. */
function VoiceFields({ errors, voice }: { errors: Record<string, string>; voice?: BrandVoice }) {
  return (
    <>
      <Field label="Name" hint='e.g. "Harbour Press house style"' error={errors.name}>
        {(f) => (
          <input
            id={f.id}
            name="name"
            maxLength={100}
            defaultValue={voice?.name}
            aria-describedby={f.describedBy}
            aria-invalid={f.invalid || undefined}
          />
        )}
      </Field>
      <Field
        label="Guidelines"
        hint="How the brand writes, in its own words: tone, vocabulary, do and don’t (up to 5,000 characters)."
        error={errors.guidelines}
      >
        {(f) => (
          <textarea
            id={f.id}
            name="guidelines"
            rows={6}
            maxLength={5000}
            defaultValue={voice?.guidelines}
            aria-describedby={f.describedBy}
            aria-invalid={f.invalid || undefined}
          />
        )}
      </Field>
    </>
  );
}

function EditVoice({
  voice,
  onSaved,
  onCancel,
}: {
  voice: BrandVoice;
  onSaved: (voice: BrandVoice) => void;
  onCancel: () => void;
}) {
  const saving = useAction();
  const errors = fieldErrors(saving.error);
  const headingId = `edit-voice-${voice.id}`;
  // Opened from its Edit button, which is gone now: focus moves to the name being edited.
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    form.current?.querySelector<HTMLInputElement>('input[name="name"]')?.focus();
  }, []);
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const body = inputOf(e.currentTarget);
    const updated = await saving.run(() =>
      api('PATCH', '/api/v1/brand-voices/{id}', { params: { id: voice.id }, body }),
    );
    if (updated) onSaved(updated);
  };
  return (
    <form ref={form} className="form voice-edit" onSubmit={save} noValidate aria-labelledby={headingId}>
      <h3 id={headingId}>Edit {voice.name}</h3>
      <VoiceFields errors={errors} voice={voice} />
      {saving.error && Object.keys(errors).length === 0 ? <ErrorBox error={saving.error} /> : null}
      <div className="actions">
        <button type="submit" disabled={saving.busy}>
          {saving.busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
