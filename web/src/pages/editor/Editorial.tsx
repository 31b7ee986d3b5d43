// Where the writer is with the article — its editorial status (with the planned date when
// scheduled) and its tags — above the text. Editors change them (PATCH /api/v1/articles/{id}: marks,
// not edits, so unsaved text is untouched); viewers read them. Publishing to a site (Publish.tsx) sets
// the status too; set by hand, "Published" says the writer published it elsewhere.
import { type FormEvent, useEffect, useState } from 'react';
import { type Article, api, type EditorialStatus, editorialStatuses, fieldErrors } from '../../api.ts';
import { EditableTags } from '../../components/EditableTags.tsx';
import { EditorialStatusText, editorialLabels } from '../../components/EditorialStatus.tsx';
import { Field, FormError, useAction } from '../../ui.tsx';

type Marks = Pick<Article, 'tags' | 'editorialStatus' | 'scheduledFor'>;

export function EditorialPanel({
  article,
  editable,
  onMarked,
}: {
  article: Article;
  editable: boolean;
  /** The marks as saved; only they are taken from the answer (it carries the stored text too). */
  onMarked: (marks: Marks) => void;
}) {
  const name = article.title || article.brief.topic;
  const mark = async (body: Partial<Omit<Marks, 'scheduledFor'>> & { scheduledFor?: string | null }) => {
    const next = await api('PATCH', '/api/v1/articles/{id}', { params: { id: article.id }, body });
    onMarked({ tags: next.tags, editorialStatus: next.editorialStatus, scheduledFor: next.scheduledFor });
  };
  return (
    <section className="card editorial-panel" aria-label="Editorial">
      {editable ? (
        <StatusForm article={article} save={mark} />
      ) : (
        <p className="meta">
          Editorial status:{' '}
          <EditorialStatusText status={article.editorialStatus} scheduledFor={article.scheduledFor} />
        </p>
      )}
      <EditableTags tags={article.tags} of={name} editable={editable} save={(tags) => mark({ tags })} />
    </section>
  );
}

function StatusForm({
  article,
  save,
}: {
  article: Article;
  save: (body: { editorialStatus: EditorialStatus; scheduledFor?: string | null }) => Promise<void>;
}) {
  const storedDate = article.scheduledFor?.slice(0, 10) ?? '';
  const [status, setStatus] = useState(article.editorialStatus);
  const [date, setDate] = useState(storedDate);
  const action = useAction();
  // A save (or a colleague's, reloaded) moves what the fields start from.
  useEffect(() => {
    setStatus(article.editorialStatus);
    setDate(storedDate);
  }, [article.editorialStatus, storedDate]);

  const changed = status !== article.editorialStatus || (status === 'scheduled' && date !== storedDate);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void action.run(
      () =>
        save({ editorialStatus: status, ...(status === 'scheduled' ? { scheduledFor: date || null } : {}) }),
      'Status saved.',
    );
  };
  const errors = fieldErrors(action.error);
  return (
    <form className="status-form" onSubmit={submit} noValidate aria-label="Editorial status">
      <Field label="Editorial status">
        {(f) => (
          <select
            id={f.id}
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as EditorialStatus);
              action.setNotice('');
            }}
          >
            {editorialStatuses.map((s) => (
              <option key={s} value={s}>
                {editorialLabels[s]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {status === 'scheduled' && (
        <Field
          label="Planned publication date"
          hint="Nothing is published by Blogsmith yet: this is the date you plan to publish it."
          {...(errors.scheduledFor ? { error: errors.scheduledFor } : {})}
        >
          {(f) => (
            <input
              id={f.id}
              type="date"
              value={date}
              aria-describedby={f.describedBy}
              aria-invalid={f.invalid}
              onChange={(e) => setDate(e.target.value)}
            />
          )}
        </Field>
      )}
      <button type="submit" className="small" disabled={!changed || action.busy}>
        {action.busy ? 'Saving…' : 'Save status'}
      </button>
      <FormError error={action.error} fields={['scheduledFor']} />
      {action.notice && (
        <p className="notice" role="status">
          {action.notice}
        </p>
      )}
    </form>
  );
}
