// Settings › members and roles, and the workspace switcher.
import { type FormEvent, useState } from 'react';
import { api, fieldErrors, type Me, type Member, type Role } from '../../api.ts';
import { ErrorBox, Field, Loading, Notice, useLoad } from '../../ui.tsx';
export const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };
export const roles: Role[] = ['viewer', 'editor', 'admin', 'owner'];
export function MembersSection({ me, admin }: { me: Me; admin: boolean }) {
  const members = useLoad(() => api('GET', '/api/v1/members'), []);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [invited, setInvited] = useState<{ email: string; link: string }>();
  const [notice, setNotice] = useState('');
  const errors = fieldErrors(error);

  // Nobody is added silently: the server makes an invitation, and its link is shown here to pass on.
  const invite = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    setBusy(true);
    setError(undefined);
    setInvited(undefined);
    try {
      const created = await api('POST', '/api/v1/members', {
        body: { email: String(form.get('email') ?? ''), role: String(form.get('role') ?? 'editor') as Role },
      });
      setInvited({ email: created.invitation.email, link: `${window.location.origin}${created.acceptPath}` });
      formEl.reset();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const changeRole = async (m: Member, role: Role) => {
    setError(undefined);
    setNotice('');
    try {
      await api('PATCH', '/api/v1/members/{userId}', { params: { userId: m.userId }, body: { role } });
      await members.reload();
      setNotice(`${m.email} is now ${role}.`);
    } catch (err) {
      setError(err);
    }
  };

  const remove = async (m: Member) => {
    if (!window.confirm(`Remove ${m.email} from this workspace?`)) return;
    try {
      await api('DELETE', '/api/v1/members/{userId}', { params: { userId: m.userId } });
      await members.reload();
      setNotice(`${m.email} was removed from this workspace.`);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      {error && Object.keys(errors).length === 0 ? <ErrorBox error={error} /> : null}
      <Notice>{notice}</Notice>
      {members.loading && !members.data ? (
        <Loading />
      ) : members.error ? (
        <ErrorBox error={members.error} />
      ) : (
        <ul className="list" aria-label="Members">
          {members.data?.items.map((m) => (
            <li key={m.userId}>
              <span className="break">
                <strong>{m.name ?? m.email}</strong> {m.name && <span className="meta">{m.email}</span>}
              </span>{' '}
              {admin && m.userId !== me.user.id ? (
                <>
                  <label className="sr-only" htmlFor={`role-${m.userId}`}>
                    Role of {m.email}
                  </label>
                  <select
                    id={`role-${m.userId}`}
                    value={m.role}
                    onChange={(e) => changeRole(m, e.target.value as Role)}
                  >
                    {roles.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>{' '}
                  <button
                    type="button"
                    className="danger small"
                    onClick={() => remove(m)}
                    aria-label={`Remove ${m.email}`}
                  >
                    Remove
                  </button>
                </>
              ) : (
                <span className="badge">{m.role}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {admin && (
        <form className="form" onSubmit={invite} noValidate aria-labelledby="add-member-heading">
          <h3 id="add-member-heading">Invite a member</h3>
          <p className="meta">
            They join once they open the invitation link and accept it (signed in, or by choosing a password).
          </p>
          <div className="grid-2">
            <Field label="Email" error={errors.email}>
              {(f) => (
                <input
                  id={f.id}
                  name="email"
                  type="email"
                  aria-describedby={f.describedBy}
                  aria-invalid={f.invalid || undefined}
                />
              )}
            </Field>
            <Field label="Role" error={errors.role}>
              {(f) => (
                <select id={f.id} name="role" defaultValue="editor">
                  {roles.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Inviting…' : 'Invite member'}
            </button>
          </div>
          {invited ? (
            <div role="status">
              <label htmlFor="invitation-link">Invitation link for {invited.email}</label>
              <input
                id="invitation-link"
                readOnly
                value={invited.link}
                onFocus={(e) => e.currentTarget.select()}
              />
              <p className="meta">Send it to them yourself; it works once and expires.</p>
            </div>
          ) : null}
        </form>
      )}
    </section>
  );
}

export function WorkspaceSwitcher({ me }: { me: Me }) {
  const [error, setError] = useState<unknown>();
  const switchTo = async (workspaceId: string) => {
    try {
      await api('POST', '/api/v1/auth/workspace', { body: { workspaceId } });
      window.location.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="workspace-heading">
      <h2 id="workspace-heading">Workspace</h2>
      <label htmlFor="workspace-select">Current workspace</label>
      <select id="workspace-select" value={me.workspace.id} onChange={(e) => void switchTo(e.target.value)}>
        {me.workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name} ({w.role})
          </option>
        ))}
      </select>
      <ErrorBox error={error} />
    </section>
  );
}
