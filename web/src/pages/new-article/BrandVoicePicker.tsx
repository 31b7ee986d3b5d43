// The brief form's "Brand voice": one of the workspace's named writing guidelines, or none (the
// default). A workspace holds at most 100 and the API lists them whole, so a plain select serves.
import { api } from '../../api.ts';
import { Link } from '../../router.tsx';
import { Field, Loading, useLoad } from '../../ui.tsx';

export function BrandVoicePicker({ error }: { error?: string }) {
  const voices = useLoad(() => api('GET', '/api/v1/brand-voices'), []);
  const items = voices.data?.items ?? [];
  if (items.length > 0)
    return (
      <Field label="Brand voice" hint="Its guidelines shape every writing prompt." error={error}>
        {(ids) => (
          <select
            id={ids.id}
            name="brandVoiceId"
            defaultValue=""
            aria-describedby={ids.describedBy}
            aria-invalid={ids.invalid || undefined}
            data-field="brandVoiceId"
          >
            <option value="">None</option>
            {items.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    );
  // Nothing to choose: say where voices come from rather than offer a select holding only "None".
  return (
    <fieldset className={error ? 'has-error' : undefined}>
      <legend>Brand voice</legend>
      {voices.loading && !voices.data ? (
        <Loading label="Loading brand voices…" />
      ) : voices.error ? (
        <p className="hint">Brand voices could not be loaded; the article is written without one.</p>
      ) : (
        <p className="hint">
          No brand voices yet. Editors add them under Settings ›{' '}
          <Link to="/settings#brand-voices">Brand voices</Link>.
        </p>
      )}
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}
