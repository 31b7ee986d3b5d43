// Settings › API keys: create (shown once), list, revoke.
import { type FormEvent, useState } from 'react';
import { type ApiKey, api, fieldErrors, type Scope, scopes, when } from '../../api.ts';
import { LoadMore, usePagedLoad } from '../../components/LoadMore.tsx';
import { ShownOnce } from '../../components/ShownOnce.tsx';
import { Empty, ErrorBox, Field, Loading } from '../../ui.tsx';

export function ApiKeysSection() {
  const keys = usePagedLoad(
    (cursor) => api('GET', '/api/v1/api-keys', { query: { limit: 100, ...(cursor ? { cursor } : {}) } }),
    [],
  );
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error);

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const chosen = form.getAll('scopes').map(String) as Scope[];
    setBusy(true);
    setError(undefined);
    try {
      const res = await api('POST', '/api/v1/api-keys', {
        body: { name: String(form.get('name') ?? ''), ...(chosen.length ? { scopes: chosen } : {}) },
      });
      setCreated(res.key);
      keys.setData((d) => ({ items: [res.apiKey, ...(d?.items ?? [])], nextCursor: d?.nextCursor ?? null }));
      formEl.reset();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // A revoke's refusal is shown by the list, not in the form for creating keys.
  const [revokeError, setRevokeError] = useState<unknown>();
  const revoke = async (k: ApiKey) => {
    if (!window.confirm(`Revoke the key "${k.name}"? Scripts using it stop working.`)) return;
    setRevokeError(undefined);
    try {
      await api('DELETE', '/api/v1/api-keys/{id}', { params: { id: k.id } });
      // Marked in place: the pages already shown stay.
      const revokedAt = new Date().toISOString();
      keys.setData(
        (d) => d && { ...d, items: d.items.map((x) => (x.id === k.id ? { ...x, revokedAt } : x)) },
      );
    } catch (err) {
      setRevokeError(err);
    }
  };

  return (
    <section className="card" aria-labelledby="keys-heading" id="api-keys">
      <h2 id="keys-heading">API keys</h2>
      <div className="grid-2">
        <form className="form" onSubmit={create} noValidate>
          <Field label="Key name" hint='e.g. "ci" or "zapier"' error={errors.name}>
            {(f) => (
              <input
                id={f.id}
                name="name"
                aria-describedby={f.describedBy}
                aria-invalid={f.invalid || undefined}
              />
            )}
          </Field>
          <fieldset>
            <legend>Scopes (optional)</legend>
            <p className="hint">None chosen: everything your role allows.</p>
            <ul className="checks">
              {scopes.map((s) => (
                <li key={s}>
                  <label>
                    <input type="checkbox" name="scopes" value={s} /> {s}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          {error && Object.keys(errors).length === 0 ? <ErrorBox error={error} /> : null}
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Creating…' : 'Create key'}
            </button>
          </div>
        </form>
        <div>
          {created && (
            <ShownOnce
              id="new-key-value"
              notice="Copy this key now: it is shown only once."
              label="New API key"
              value={created}
              onDone={() => setCreated(undefined)}
            />
          )}
          <ErrorBox error={revokeError} />
          {keys.loading && !keys.data ? (
            <Loading />
          ) : keys.error ? (
            <ErrorBox error={keys.error} />
          ) : keys.data?.items.length ? (
            <ul className="list" aria-label="API keys">
              {keys.data.items.map((k) => (
                <li key={k.id} className={k.revokedAt ? 'revoked' : ''}>
                  <strong className="break">{k.name}</strong> <code>bsk_{k.prefix}_…</code>
                  <span className="meta">
                    {' '}
                    {k.scopes.join(', ')} · created {when(k.createdAt)} · last used {when(k.lastUsedAt)}
                    {k.revokedAt ? ` · revoked ${when(k.revokedAt)}` : ''}
                  </span>
                  {!k.revokedAt && (
                    <button
                      type="button"
                      className="danger small"
                      onClick={() => revoke(k)}
                      aria-label={`Revoke ${k.name}`}
                    >
                      Revoke
                    </button>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <Empty>No API keys yet.</Empty>
          )}
          <LoadMore list={keys} noun="key" />
        </div>
      </div>
    </section>
  );
}
