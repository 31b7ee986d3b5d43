// Settings › Your account › where you're signed in: every session of the account, in every
// workspace, newest first; any but this one can be signed out from here.
import { useState } from 'react';
import { api, type OwnSession, when } from '../../api.ts';
import { ErrorBox, Loading, useLoad } from '../../ui.tsx';
import { describeUserAgent } from '../../user-agent.ts';

/** `reload`: a value that changes when the list must be read again. */
export function SignInsList({ reload }: { reload: number }) {
  const sessions = useLoad(() => api('GET', '/api/v1/auth/sessions'), [reload]);
  const [endError, setEndError] = useState<unknown>();

  const end = async (s: OwnSession) => {
    setEndError(undefined);
    try {
      await api('DELETE', '/api/v1/auth/sessions/{id}', { params: { id: s.id } });
      sessions.setData((d) => d && { items: d.items.filter((x) => x.id !== s.id) });
    } catch (err) {
      setEndError(err);
    }
  };

  if (sessions.loading && !sessions.data) return <Loading />;
  if (sessions.error) return <ErrorBox error={sessions.error} />;
  return (
    <>
      <ErrorBox error={endError} />
      <ul className="list" aria-label="Where you're signed in">
        {sessions.data?.items.map((s) => {
          const browser = describeUserAgent(s.userAgent);
          return (
            <li key={s.id}>
              <strong>{browser}</strong>
              {s.current ? ' (this browser)' : ''}
              <span className="meta">
                {' '}
                {s.ip ?? 'address unknown'} · {s.workspace.name} · since {when(s.createdAt)}
              </span>
              {!s.current && (
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => end(s)}
                  aria-label={`End session: ${browser}, since ${when(s.createdAt)}`}
                >
                  End session
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
