// Settings › Webhooks (admins, as the API has it: a receiver's URL often carries its token): add an
// endpoint and see its signing secret once, send a test event, rotate the secret, disable or delete
// it, and read its delivery log (WebhookDeliveries.tsx).
import { type FormEvent, useState } from 'react';
import { api, fieldErrors, type Webhook, webhookEvents } from '../../api.ts';
import { ShownOnce } from '../../components/ShownOnce.tsx';
import { Empty, ErrorBox, FormError, Loading, Notice, TextField, useAction, useLoad } from '../../ui.tsx';
import { WebhookDeliveries } from './WebhookDeliveries.tsx';

const eventHints: Record<(typeof webhookEvents)[number], string> = {
  'article.completed': 'an article finished',
  'article.failed': 'an article run failed',
  'document.ready': 'a document is searchable',
  'document.failed': 'a document could not be read',
  'article.published': 'an article went live on a WordPress or Ghost site',
};

export function WebhooksSection() {
  const hooks = useLoad(() => api('GET', '/api/v1/webhooks'), []);
  const add = useAction();
  const errors = fieldErrors(add.error);
  // The secret of the webhook just added or rotated: shown once, as the API answers it once.
  const [secret, setSecret] = useState<{ url: string; value: string }>();

  const replace = (hook: Webhook) =>
    hooks.setData((d) => d && { ...d, items: d.items.map((x) => (x.id === hook.id ? hook : x)) });

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const description = String(form.get('description') ?? '').trim();
    const made = await add.run(() =>
      api('POST', '/api/v1/webhooks', {
        body: {
          url: String(form.get('url') ?? '').trim(),
          events: form.getAll('events').map(String) as (typeof webhookEvents)[number][],
          ...(description ? { description } : {}),
        },
      }),
    );
    if (!made) return;
    const { secret: value, ...hook } = made;
    hooks.setData((d) => ({ items: [...(d?.items ?? []), hook], nextCursor: null }));
    setSecret({ url: hook.url, value });
    formEl.reset();
  };

  return (
    <section className="card" aria-labelledby="webhooks-heading" id="webhooks">
      <h2 id="webhooks-heading">Webhooks</h2>
      <p className="hint">
        Blogsmith sends a signed JSON message to each URL when an article or a document is done, and tries
        again for two days when the receiver fails. Check the <code>webhook-signature</code> header with a
        Standard Webhooks library and the endpoint's secret.
      </p>
      <div className="grid-2">
        <form className="form" onSubmit={create} noValidate>
          <h3>Add a webhook</h3>
          <TextField
            label="Endpoint URL"
            name="url"
            type="url"
            placeholder="https://example.com/hooks/blogsmith"
            required
            {...(errors.url ? { error: errors.url } : {})}
          />
          <TextField
            label="Description (optional)"
            name="description"
            {...(errors.description ? { error: errors.description } : {})}
          />
          <fieldset>
            <legend>Events</legend>
            <ul className="checks">
              {webhookEvents.map((event) => (
                <li key={event}>
                  <label>
                    <input type="checkbox" name="events" value={event} defaultChecked /> <code>{event}</code>{' '}
                    <span className="meta">{eventHints[event]}</span>
                  </label>
                </li>
              ))}
            </ul>
            {errors.events && <p className="field-error">{errors.events}</p>}
          </fieldset>
          <FormError error={add.error} fields={['url', 'description', 'events']} />
          <div className="actions">
            <button type="submit" disabled={add.busy}>
              {add.busy ? 'Adding…' : 'Add webhook'}
            </button>
          </div>
        </form>
        <div>
          {secret && (
            <ShownOnce
              id="webhook-secret-value"
              notice="Copy the signing secret now: it is shown only once."
              label={`Signing secret for ${secret.url}`}
              value={secret.value}
              copyLabel="Copy secret"
              onDone={() => setSecret(undefined)}
            />
          )}
          {hooks.loading && !hooks.data ? (
            <Loading />
          ) : hooks.error ? (
            <ErrorBox error={hooks.error} />
          ) : hooks.data?.items.length ? (
            <ul className="list" aria-label="Webhooks">
              {hooks.data.items.map((hook) => (
                <WebhookItem
                  key={hook.id}
                  hook={hook}
                  onChanged={replace}
                  onDeleted={() =>
                    hooks.setData((d) => d && { ...d, items: d.items.filter((x) => x.id !== hook.id) })
                  }
                  onSecret={(value) => setSecret({ url: hook.url, value })}
                />
              ))}
            </ul>
          ) : (
            <Empty>No webhooks yet.</Empty>
          )}
        </div>
      </div>
    </section>
  );
}

function WebhookItem({
  hook,
  onChanged,
  onDeleted,
  onSecret,
}: {
  hook: Webhook;
  onChanged: (hook: Webhook) => void;
  onDeleted: () => void;
  onSecret: (secret: string) => void;
}) {
  const action = useAction();
  const [showLog, setShowLog] = useState(false);
  // Bumped when a test event is queued, so an open log shows it.
  const [sent, setSent] = useState(0);
  const name = hook.description || hook.url;

  const test = async () => {
    if (await action.run(() => api('POST', '/api/v1/webhooks/{id}/test', { params: { id: hook.id } }))) {
      action.setNotice('Test event queued: see the deliveries.');
      setSent((n) => n + 1);
      setShowLog(true);
    }
  };
  const toggle = async () => {
    const changed = await action.run(() =>
      api('PATCH', '/api/v1/webhooks/{id}', { params: { id: hook.id }, body: { enabled: !hook.enabled } }),
    );
    if (changed) onChanged(changed);
  };
  const rotate = async () => {
    if (!window.confirm(`Replace the signing secret of ${name}? The receiver needs the new one.`)) return;
    const rotated = await action.run(() =>
      api('POST', '/api/v1/webhooks/{id}/secret', { params: { id: hook.id } }),
    );
    if (!rotated) return;
    const { secret, ...rest } = rotated;
    onChanged(rest);
    onSecret(secret);
  };
  const remove = async () => {
    if (!window.confirm(`Delete the webhook ${name} and its delivery log?`)) return;
    const done = await action.run(() =>
      api('DELETE', '/api/v1/webhooks/{id}', { params: { id: hook.id } }).then(() => true),
    );
    if (done) onDeleted();
  };

  return (
    <li className={hook.enabled ? '' : 'revoked'}>
      <strong className="break">{hook.url}</strong>
      {hook.description && <span className="meta"> {hook.description}</span>}
      <span className="meta">
        {' '}
        {hook.events.join(', ')} · {hook.enabled ? 'enabled' : 'disabled'}
        {hook.disabledReason ? ` (${hook.disabledReason})` : ''}
      </span>
      <div className="actions">
        <button
          type="button"
          className="secondary small"
          onClick={test}
          disabled={!hook.enabled || action.busy}
          aria-label={`Send a test event to ${name}`}
        >
          Send a test event
        </button>
        <button
          type="button"
          className="secondary small"
          onClick={() => setShowLog((v) => !v)}
          aria-expanded={showLog}
          aria-label={`${showLog ? 'Hide' : 'Show'} deliveries of ${name}`}
        >
          {showLog ? 'Hide' : 'Show'} deliveries
        </button>
        <button
          type="button"
          className="secondary small"
          onClick={toggle}
          disabled={action.busy}
          aria-label={`${hook.enabled ? 'Disable' : 'Enable'} ${name}`}
        >
          {hook.enabled ? 'Disable' : 'Enable'}
        </button>
        <button
          type="button"
          className="secondary small"
          onClick={rotate}
          disabled={action.busy}
          aria-label={`Rotate secret of ${name}`}
        >
          Rotate secret
        </button>
        <button
          type="button"
          className="danger small"
          onClick={remove}
          disabled={action.busy}
          aria-label={`Delete the webhook ${name}`}
        >
          Delete
        </button>
      </div>
      <Notice>{action.notice}</Notice>
      <ErrorBox error={action.error} />
      {showLog && <WebhookDeliveries webhookId={hook.id} name={name} reload={sent} />}
    </li>
  );
}
