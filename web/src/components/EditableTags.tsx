// Tags, a document's (the knowledge list) or an article's (the editor), and for editors their edit:
// one field of comma-separated tags saved whole by `save` (a PATCH of the document or article). The
// server folds them (case, Unicode form, each once) and holds them to its rule (src/input/tags.ts);
// what it refuses is said at the field, naming the tag.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { fieldErrors } from '../api.ts';
import { FormError, TextField, useAction } from '../ui.tsx';

/** The tags typed: split at commas, trimmed, empty pieces dropped (as a multipart upload's). */
const typedTags = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/** The server's refusal at `tags` or at one of them (`tags.3`), that one named. */
function tagsError(error: unknown, sent: readonly string[]): string | undefined {
  for (const [path, message] of Object.entries(fieldErrors(error))) {
    if (path === 'tags') return message;
    const at = /^tags\.(\d+)$/.exec(path);
    if (at) return `“${sent[Number(at[1])] ?? ''}”: ${message}`;
  }
  return undefined;
}

/** The tags as a list named "Tags of …"; nothing when there are none. */
export function TagList({ tags, of }: { tags: readonly string[]; of: string }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tags" aria-label={`Tags of ${of}`}>
      {tags.map((t) => (
        <li key={t} className="tag">
          {t}
        </li>
      ))}
    </ul>
  );
}

export function EditableTags({
  tags,
  of,
  editable,
  save: send,
}: {
  tags: string[];
  /** What the tags are of, as its labels name it ("Tags of …"). */
  of: string;
  editable: boolean;
  /** Saves the tags whole; throws the server's refusal. */
  save: (tags: string[]) => Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [sent, setSent] = useState<string[]>([]);
  const save = useAction();
  // Opened from its button, which is gone then: focus goes to the field, and back to the button after.
  const form = useRef<HTMLFormElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const opened = useRef(false);
  useEffect(() => {
    if (editing) form.current?.querySelector('input')?.focus();
    else if (opened.current) button.current?.focus();
    opened.current ||= editing;
  }, [editing]);

  const start = () => {
    setText(tags.join(', '));
    save.setError(undefined);
    setEditing(true);
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const typed = typedTags(text);
    setSent(typed);
    void save.run(async () => {
      await send(typed);
      setEditing(false);
    });
  };

  if (editing) {
    const error = tagsError(save.error, sent);
    return (
      <form ref={form} className="tags-form" onSubmit={submit} noValidate aria-label={`Tags of ${of}`}>
        <TextField
          label="Tags, separated by commas"
          hint='Upper and lower case are one tag: "SEO" is saved as "seo".'
          name="tags"
          value={text}
          onChange={(e) => setText(e.target.value)}
          {...(error ? { error } : {})}
        />
        <FormError
          error={save.error}
          fields={Object.keys(fieldErrors(save.error)).filter((k) => k === 'tags' || k.startsWith('tags.'))}
        />
        <div className="actions">
          <button type="submit" className="small" disabled={save.busy}>
            {save.busy ? 'Saving…' : 'Save tags'}
          </button>
          <button type="button" className="secondary small" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </div>
      </form>
    );
  }
  if (tags.length === 0 && !editable) return null;
  return (
    <div className="doc-tags">
      <TagList tags={tags} of={of} />
      {editable && (
        <button ref={button} type="button" className="link" onClick={start} aria-label={`Edit tags of ${of}`}>
          Edit tags
        </button>
      )}
    </div>
  );
}
