// The brief form's integration guide (F14): the OpenAPI document of the library to write it from,
// the operations it explains (none ticked: all of them) and the languages of its code samples. The
// samples are generated from the spec by the server; this only chooses.
import { useState } from 'react';
import { api, messageOf } from '../../api.ts';
import { LoadMore, usePagedLoad } from '../../components/LoadMore.tsx';
import { Link } from '../../router.tsx';
import { Field, Loading, useLoad } from '../../ui.tsx';

/** How many operations one guide explains at most (the API's rule, said before it refuses). */
const maxOperations = 12;

const languageChoices = [
  { value: 'curl', label: 'curl' },
  { value: 'javascript', label: 'JavaScript (Node.js)' },
  { value: 'python', label: 'Python (requests)' },
] as const;

export interface GuideErrors {
  spec?: string | undefined;
  operations?: string | undefined;
  languages?: string | undefined;
}

function Operations({ specId, error }: { specId: string; error?: string | undefined }) {
  const listed = useLoad(
    () => api('GET', '/api/v1/documents/{id}/operations', { params: { id: specId } }),
    [specId],
  );
  const [chosen, setChosen] = useState(0);
  if (listed.loading && !listed.data) return <Loading label="Reading the spec…" />;
  if (listed.error)
    return (
      <p className="field-error" role="alert">
        {messageOf(listed.error)}
      </p>
    );
  const items = listed.data?.items ?? [];
  const tooMany = items.length > maxOperations;
  return (
    <fieldset className={error ? 'has-error' : undefined}>
      <legend>Operations to explain</legend>
      <p className="hint" id="guide-operations-hint">
        {tooMany
          ? `The spec has ${items.length} operations: tick up to ${maxOperations}, in the order the guide explains them.`
          : `None ticked: all ${items.length} of ${listed.data?.title ?? 'the API'}, in the spec's order.`}
        {chosen > 0 ? ` ${chosen} ticked.` : ''}
      </p>
      <ul
        className={items.length > 8 ? 'checks scroll-box' : 'checks'}
        aria-label="Operations"
        onChange={(e) =>
          setChosen(e.currentTarget.querySelectorAll('input[name="operations"]:checked').length)
        }
      >
        {items.map((op) => (
          <li key={op.key}>
            <label>
              <input
                type="checkbox"
                name="operations"
                value={op.key}
                data-field="guide.operations"
                aria-describedby="guide-operations-hint"
              />{' '}
              <code>
                {op.method} {op.path}
              </code>
              {op.summary ? ` — ${op.summary}` : ''}
              {op.deprecated ? ' (deprecated)' : ''}
            </label>
          </li>
        ))}
      </ul>
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}

export function GuidePicker({ errors }: { errors: GuideErrors }) {
  const specs = usePagedLoad(
    (cursor) =>
      api('GET', '/api/v1/documents', {
        query: { limit: 100, type: 'openapi', ...(cursor ? { cursor } : {}) },
      }),
    [],
  );
  const [specId, setSpecId] = useState('');
  const items = specs.data?.items ?? [];
  return (
    <fieldset className="guide">
      <legend>Integration guide</legend>
      <p className="hint">
        A tutorial for developers on calling an API. Its code samples are generated from the spec, not written
        by the model, and each endpoint it explains cites the spec.
      </p>
      {specs.loading && !specs.data ? (
        <Loading label="Loading OpenAPI documents…" />
      ) : specs.error ? (
        <p className="hint">The knowledge library is not available.</p>
      ) : items.length === 0 ? (
        <>
          <p className="hint">
            No OpenAPI documents yet. <Link to="/knowledge">Upload a spec</Link> (OpenAPI 3 or Swagger 2, JSON
            or YAML) to the knowledge library.
          </p>
          {errors.spec && <p className="field-error">{errors.spec}</p>}
        </>
      ) : (
        <Field label="OpenAPI document" error={errors.spec}>
          {(ids) => (
            <select
              id={ids.id}
              name="specDocumentId"
              value={specId}
              onChange={(e) => setSpecId(e.target.value)}
              aria-describedby={ids.describedBy}
              aria-invalid={ids.invalid || undefined}
              data-field="guide.specDocumentId"
            >
              <option value="">Choose a spec…</option>
              {items.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.title}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <LoadMore list={specs} noun="OpenAPI document" />
      {specId && <Operations specId={specId} error={errors.operations} />}
      <fieldset className={errors.languages ? 'has-error' : undefined}>
        <legend>Code samples in</legend>
        <ul className="checks">
          {languageChoices.map((l) => (
            <li key={l.value}>
              <label>
                <input
                  type="checkbox"
                  name="languages"
                  value={l.value}
                  defaultChecked
                  data-field="guide.languages"
                />{' '}
                {l.label}
              </label>
            </li>
          ))}
        </ul>
        {errors.languages && <p className="field-error">{errors.languages}</p>}
      </fieldset>
    </fieldset>
  );
}
