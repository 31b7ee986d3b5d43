// One webhook's delivery log, newest first: each delivery's event, outcome, attempts and the
// receiver's last answer; a finished one can be sent again (same payload, same `webhook-id`).
import { useState } from 'react';
import { api, type WebhookDelivery, when } from '../../api.ts';
import { LoadMore, usePagedLoad } from '../../components/LoadMore.tsx';
import { Empty, ErrorBox, Loading } from '../../ui.tsx';

function outcome(d: WebhookDelivery): string {
  const answer = d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : d.lastError;
  const tries = `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`;
  if (d.status === 'pending')
    return `${d.attempts ? `${tries}, last ${answer ?? 'failed'}; ` : ''}next ${when(d.nextAttemptAt)}`;
  return `${tries}${answer ? `, ${answer}` : ''}${d.lastDurationMs !== null ? ` in ${d.lastDurationMs} ms` : ''}`;
}

/** `reload`: a value that changes when the log must be read again (a test event was queued). */
export function WebhookDeliveries({
  webhookId,
  name,
  reload,
}: {
  webhookId: string;
  name: string;
  reload: number;
}) {
  const [refreshes, setRefreshes] = useState(0);
  const log = usePagedLoad(
    (cursor) =>
      api('GET', '/api/v1/webhooks/{id}/deliveries', {
        params: { id: webhookId },
        query: { limit: 20, ...(cursor ? { cursor } : {}) },
      }),
    [webhookId, reload, refreshes],
  );
  const [redeliverError, setRedeliverError] = useState<unknown>();

  const redeliver = async (d: WebhookDelivery) => {
    setRedeliverError(undefined);
    try {
      const again = await api('POST', '/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', {
        params: { id: webhookId, deliveryId: d.id },
      });
      log.setData((data) => data && { ...data, items: [again, ...data.items] });
    } catch (err) {
      setRedeliverError(err);
    }
  };

  return (
    <div className="deliveries">
      <div className="actions">
        <button
          type="button"
          className="secondary small"
          onClick={() => setRefreshes((n) => n + 1)}
          aria-label={`Refresh deliveries of ${name}`}
        >
          Refresh
        </button>
      </div>
      <ErrorBox error={redeliverError} />
      {log.loading && !log.data ? (
        <Loading />
      ) : log.error ? (
        <ErrorBox error={log.error} />
      ) : log.data?.items.length ? (
        <ul className="list" aria-label={`Deliveries of ${name}`}>
          {log.data.items.map((d) => (
            <li key={d.id} data-status={d.status}>
              <code>{d.event}</code> <strong>{d.status}</strong>
              <span className="meta">
                {' '}
                {when(d.createdAt)} · {outcome(d)}
              </span>
              {d.responseExcerpt && (
                <details>
                  <summary>Receiver's answer</summary>
                  <pre className="break">{d.responseExcerpt}</pre>
                </details>
              )}
              {d.status !== 'pending' && (
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => redeliver(d)}
                  aria-label={`Redeliver ${d.event} of ${when(d.createdAt)}`}
                >
                  Redeliver
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <Empty>Nothing delivered yet.</Empty>
      )}
      <LoadMore list={log} noun="delivery" plural="deliveries" />
    </div>
  );
}
