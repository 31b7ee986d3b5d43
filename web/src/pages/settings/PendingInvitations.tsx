// Settings › members › invitations not accepted yet (admins): who was invited, as what, by whom,
// until when;
// cancelling one makes its link stop working.
import { useState } from 'react';
import { api, type Json, when } from '../../api.ts';
import { ErrorBox, Notice, useLoad } from '../../ui.tsx';

type Invitation = Json<'/api/v1/members/invitations', 'GET'>['items'][number];

/** `refresh` changes whenever an invitation was created, to show it. */
export function PendingInvitations({ refresh }: { refresh: number }) {
  const list = useLoad(() => api('GET', '/api/v1/members/invitations'), [refresh]);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const cancel = async (i: Invitation) => {
    if (!window.confirm(`Cancel the invitation for ${i.email}? Its link stops working.`)) return;
    setError(undefined);
    setNotice('');
    try {
      await api('DELETE', '/api/v1/members/invitations/{id}', { params: { id: i.id } });
      list.setData((d) => d && { ...d, items: d.items.filter((x) => x.id !== i.id) });
      setNotice(`The invitation for ${i.email} was cancelled.`);
    } catch (e) {
      setError(e);
    }
  };
  if (list.error) return <ErrorBox error={list.error} />;
  if (!list.data?.items.length && !notice) return null;
  return (
    <div className="pending-invitations">
      <h3 id="pending-heading">Pending invitations</h3>
      {list.data?.items.length ? (
        <ul className="list" aria-labelledby="pending-heading">
          {list.data.items.map((i) => (
            <li key={i.id}>
              <strong className="break">{i.email}</strong>
              <span className="badge">{i.role}</span>
              <span className="meta">
                {i.invitedBy ? `invited by ${i.invitedBy.name || i.invitedBy.email}, ` : ''}expires{' '}
                {when(i.expiresAt)}
              </span>
              <button
                type="button"
                className="danger small"
                onClick={() => cancel(i)}
                aria-label={`Cancel invitation for ${i.email}`}
              >
                Cancel invitation
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="meta">No invitation is waiting.</p>
      )}
      <ErrorBox error={error} />
      <Notice>{notice}</Notice>
    </div>
  );
}
