// Settings › workspace: its name (asked at setup), who you are in it, what it stores against its
// bound, and switching workspaces.
import { useState } from 'react';
import { api, type Me } from '../../api.ts';
import { byteSize } from '../../byte-size.ts';
import { ErrorBox, useLoad } from '../../ui.tsx';

export function WorkspaceSection({ me }: { me: Me }) {
  const [error, setError] = useState<unknown>();
  const name = me.workspaces.find((w) => w.id === me.workspace.id)?.name ?? '—';
  const storage = useLoad(() => api('GET', '/api/v1/usage/storage'), []);
  const switchTo = async (workspaceId: string) => {
    setError(undefined);
    try {
      await api('POST', '/api/v1/auth/workspace', { body: { workspaceId } });
      window.location.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="workspace-heading" id="workspace">
      <h2 id="workspace-heading">Workspace</h2>
      <dl className="facts">
        <dt>Name</dt>
        <dd className="break">{name}</dd>
        <dt>Signed in as</dt>
        <dd className="break">{me.user.email}</dd>
        <dt>Your role</dt>
        <dd>{me.workspace.role}</dd>
        {storage.data && (
          <>
            <dt>Storage</dt>
            <dd>
              {byteSize(storage.data.usedBytes)} of {byteSize(storage.data.limitBytes)}
            </dd>
          </>
        )}
      </dl>
      {me.via === 'session' && me.workspaces.length > 1 && (
        <div className="field narrow">
          <label htmlFor="workspace-select">Switch workspace</label>
          <select
            id="workspace-select"
            value={me.workspace.id}
            onChange={(e) => void switchTo(e.target.value)}
          >
            {me.workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name} ({w.role})
              </option>
            ))}
          </select>
        </div>
      )}
      <ErrorBox error={error} />
    </section>
  );
}
