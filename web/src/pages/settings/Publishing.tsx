// Settings › Publishing (admins, as the API has it): the WordPress and Ghost sites the workspace
// publishes to — add one with its credentials (stored encrypted, shown afterwards only as their last
// 4 characters), test that they sign in, delete it. Articles are published from the editor.
import { type FormEvent, useState } from 'react';
import { api, type Destination, type DestinationKind, fieldErrors } from '../../api.ts';
import {
  Empty,
  ErrorBox,
  Field,
  FormError,
  Loading,
  Notice,
  TextField,
  useAction,
  useLoad,
} from '../../ui.tsx';

export const kindLabels: Record<DestinationKind, string> = { wordpress: 'WordPress', ghost: 'Ghost' };

const credentialFields = ['username', 'applicationPassword', 'adminApiKey'];

export function PublishingSection() {
  const destinations = useLoad(() => api('GET', '/api/v1/publishing/destinations'), []);
  const add = useAction();
  const errors = fieldErrors(add.error);
  const [kind, setKind] = useState<DestinationKind>('wordpress');

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const common = { name: value('name'), siteUrl: value('siteUrl') };
    const made = await add.run(
      () =>
        api('POST', '/api/v1/publishing/destinations', {
          body:
            kind === 'wordpress'
              ? {
                  kind,
                  ...common,
                  username: value('username'),
                  applicationPassword: value('applicationPassword'),
                }
              : { kind, ...common, adminApiKey: value('adminApiKey') },
        }),
      `${common.name} added: test its credentials below.`,
    );
    if (!made) return;
    destinations.setData((d) => ({
      items: [...(d?.items ?? []), made].sort((a, b) => a.name.localeCompare(b.name)),
      nextCursor: null,
    }));
    formEl.reset();
  };

  return (
    <section className="card" aria-labelledby="publishing-heading" id="publishing">
      <h2 id="publishing-heading">Publishing</h2>
      <p className="hint">
        The WordPress and Ghost sites this workspace publishes to. Editors publish an article from its editor,
        as a draft, now or at a date; the article's status follows the post. Credentials are stored encrypted
        and never shown again.
      </p>
      <div className="grid-2">
        <form className="form" onSubmit={create} noValidate aria-label="Add a publishing destination">
          <h3>Add a site</h3>
          <Field label="Platform">
            {(f) => (
              <select
                id={f.id}
                name="kind"
                value={kind}
                onChange={(e) => {
                  setKind(e.target.value as DestinationKind);
                  add.setError(undefined);
                }}
              >
                <option value="wordpress">WordPress (application password)</option>
                <option value="ghost">Ghost (Admin API key)</option>
              </select>
            )}
          </Field>
          <TextField label="Name" name="name" required {...(errors.name ? { error: errors.name } : {})} />
          <TextField
            label="Site URL"
            name="siteUrl"
            type="url"
            placeholder={kind === 'wordpress' ? 'https://blog.example.com' : 'https://example.ghost.io'}
            required
            {...(errors.siteUrl ? { error: errors.siteUrl } : {})}
          />
          {kind === 'wordpress' ? (
            <>
              <TextField
                label="WordPress user name"
                name="username"
                autoComplete="off"
                required
                {...(errors.username ? { error: errors.username } : {})}
              />
              <TextField
                label="Application password"
                name="applicationPassword"
                type="password"
                autoComplete="new-password"
                hint="WordPress › Users › Profile › Application Passwords. The user must be able to publish posts."
                required
                {...(errors.applicationPassword ? { error: errors.applicationPassword } : {})}
              />
            </>
          ) : (
            <TextField
              label="Admin API key"
              name="adminApiKey"
              type="password"
              autoComplete="new-password"
              hint="Ghost Admin › Settings › Integrations › a custom integration's Admin API key (id:secret)."
              required
              {...(errors.adminApiKey ? { error: errors.adminApiKey } : {})}
            />
          )}
          <FormError error={add.error} fields={['name', 'siteUrl', 'kind', ...credentialFields]} />
          <Notice>{add.notice}</Notice>
          <div className="actions">
            <button type="submit" disabled={add.busy}>
              {add.busy ? 'Adding…' : 'Add site'}
            </button>
          </div>
        </form>
        <div>
          {destinations.loading && !destinations.data ? (
            <Loading />
          ) : destinations.error ? (
            <ErrorBox error={destinations.error} />
          ) : destinations.data?.items.length ? (
            <ul className="list" aria-label="Publishing destinations">
              {destinations.data.items.map((destination) => (
                <DestinationItem
                  key={destination.id}
                  destination={destination}
                  onDeleted={() =>
                    destinations.setData(
                      (d) => d && { ...d, items: d.items.filter((x) => x.id !== destination.id) },
                    )
                  }
                />
              ))}
            </ul>
          ) : (
            <Empty>No sites yet.</Empty>
          )}
        </div>
      </div>
    </section>
  );
}

function DestinationItem({ destination, onDeleted }: { destination: Destination; onDeleted: () => void }) {
  const action = useAction();
  const [check, setCheck] = useState<{ ok: boolean; message: string }>();
  const { name } = destination;

  const test = async () => {
    setCheck(undefined);
    const result = await action.run(() =>
      api('POST', '/api/v1/publishing/destinations/{id}/test', { params: { id: destination.id } }),
    );
    if (result) setCheck(result);
  };
  const remove = async () => {
    if (!window.confirm(`Delete ${name}? Its posts stay on the site; the records of them here go.`)) return;
    const done = await action.run(() =>
      api('DELETE', '/api/v1/publishing/destinations/{id}', { params: { id: destination.id } }).then(
        () => true,
      ),
    );
    if (done) onDeleted();
  };

  return (
    <li>
      <strong>{name}</strong>
      <span className="meta">
        {' '}
        {kindLabels[destination.kind]} · <span className="break">{destination.siteUrl}</span>
        {destination.username ? ` · ${destination.username}` : ''} · credentials {destination.secretHint}
      </span>
      <div className="actions">
        <button
          type="button"
          className="secondary small"
          onClick={test}
          disabled={action.busy}
          aria-label={`Test the credentials of ${name}`}
        >
          Test
        </button>
        <button
          type="button"
          className="danger small"
          onClick={remove}
          disabled={action.busy}
          aria-label={`Delete ${name}`}
        >
          Delete
        </button>
      </div>
      {check &&
        (check.ok ? (
          <p className="notice" role="status">
            {check.message}
          </p>
        ) : (
          <p className="error-box" role="alert">
            {check.message}
          </p>
        ))}
      <ErrorBox error={action.error} />
    </li>
  );
}
