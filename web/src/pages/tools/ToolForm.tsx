// A tool's form, built from the fields GET /api/v1/tools lists: a new template needs no code here.
// Validation is the API's: its 400 details land next to the fields they name.
import type { FormEvent } from 'react';
import type { Json } from '../../api.ts';
import { Field } from '../../ui.tsx';
import { BrandVoicePicker } from '../new-article/BrandVoicePicker.tsx';

export type ToolTemplate = Json<'/api/v1/tools', 'GET'>['items'][number];
type FieldView = ToolTemplate['fields'][number];

// How a choice's values read in a form; anything else is shown capitalised.
const optionLabels: Record<string, string> = {
  x: 'X (Twitter)',
  linkedin: 'LinkedIn',
  meta: 'Meta (Facebook, Instagram)',
  google: 'Google search',
  tldr: 'TL;DR',
  bullets: 'Bullet points',
  'follow-up': 'Follow-up',
};
const optionLabel = (value: string) => optionLabels[value] ?? value.charAt(0).toUpperCase() + value.slice(1);

/** The form's values as the API takes them: empty fields left out, numbers as numbers. */
export function bodyOf(form: HTMLFormElement, fields: readonly FieldView[]): Record<string, unknown> {
  const data = new FormData(form);
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    const value = data.get(field.name);
    if (typeof value !== 'string' || value.trim() === '') continue;
    body[field.name] = field.kind === 'integer' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  }
  return body;
}

function Input({ field, error }: { field: FieldView; error: string | undefined }) {
  if (field.kind === 'brandVoice') return <BrandVoicePicker {...(error ? { error } : {})} />;
  // A field with a default always has a value: only one that may be left empty says so.
  const label = field.required || field.default !== undefined ? field.label : `${field.label} (optional)`;
  const hint = field.kind === 'language' ? `${field.description ?? ''}` : field.description;
  return (
    <Field label={label} {...(hint ? { hint } : {})} {...(error ? { error } : {})}>
      {(ids) => {
        const common = {
          id: ids.id,
          name: field.name,
          'aria-describedby': ids.describedBy,
          'aria-invalid': ids.invalid || undefined,
          required: field.required,
        };
        if (field.kind === 'choice')
          return (
            <select {...common} defaultValue={String(field.default ?? field.options?.[0] ?? '')}>
              {field.options?.map((o) => (
                <option key={o} value={o}>
                  {optionLabel(o)}
                </option>
              ))}
            </select>
          );
        if (field.kind === 'textarea')
          return (
            <textarea
              {...common}
              rows={field.maxLength && field.maxLength > 3000 ? 8 : 4}
              maxLength={field.maxLength}
            />
          );
        if (field.kind === 'integer')
          return (
            <input
              {...common}
              type="number"
              inputMode="numeric"
              min={field.min}
              max={field.max}
              defaultValue={field.default === undefined ? undefined : String(field.default)}
            />
          );
        return (
          <input
            {...common}
            maxLength={field.maxLength}
            {...(field.kind === 'language' ? { placeholder: 'e.g. en, de, pt-BR' } : {})}
          />
        );
      }}
    </Field>
  );
}

export function ToolForm({
  template,
  errors,
  busy,
  onSubmit,
  onStop,
}: {
  template: ToolTemplate;
  errors: Record<string, string>;
  busy: boolean;
  onSubmit: (body: Record<string, unknown>) => void;
  onStop: () => void;
}) {
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    onSubmit(bodyOf(e.currentTarget, template.fields));
  };
  // The template's own fields first; the settings every tool shares in a grid after them.
  const shared = new Set(['variants', 'tone', 'audience', 'language', 'brandVoiceId']);
  const own = template.fields.filter((f) => !shared.has(f.name) || f.required);
  const rest = template.fields.filter((f) => !own.includes(f));
  return (
    // Keyed by template by its caller: another template's form starts empty.
    <form className="card form" onSubmit={submit} noValidate aria-label={template.name}>
      {own.map((f) => (
        <Input key={f.name} field={f} error={errors[f.name]} />
      ))}
      <div className="grid-2">
        {rest.map((f) => (
          <Input key={f.name} field={f} error={errors[f.name]} />
        ))}
      </div>
      <p className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Writing…' : 'Generate'}
        </button>
        {busy && (
          <button type="button" className="secondary" onClick={onStop}>
            Stop
          </button>
        )}
      </p>
    </form>
  );
}
