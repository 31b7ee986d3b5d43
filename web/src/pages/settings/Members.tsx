// Settings › members and roles, inviting someone, and the invitations not accepted yet.
import { type FormEvent, useState } from 'react';
import { api, fieldErrors, type Me, type Member, type Role } from '../../api.ts';
import { LoadMore, usePagedLoad } from '../../components/LoadMore.tsx';
import { ErrorBox, Field, Loading, Notice } from '../../ui.tsx';
import { PendingInvitations } from './PendingInvitations.tsx';
export const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };
export const roles: Role[] = ['viewer', 'editor', 'admin', 'owner'];
const pageSize = 100;

export function MembersSection({ me, admin }: { me: Me; admin: boolean }) {
  const members = usePagedLoad(
    (cursor) => api('GET', '/api/v1/members', { query: { limit: pageSize, ...(cursor ? { cursor } : {}) } }),
    [],
  );
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [invited, setInvited] = useState<{ email: string; link: string }>();
  const [notice, setNotice] = useState('');
  // Bumped after each invitation so the pending list shows it.
  const [invitations, setInvitations] = useState(0);
  // The invite form's own error, shown inside the form; `error` is for the member list's actions.
  const [inviteError, setInviteError] = useState<unknown>();
  const errors = fieldErrors(inviteError);

  // Nobody is added silently: the server makes an invitation, and its link is shown here to pass on.
  const invite = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    setBusy(true);
    setInviteError(undefined);
    setInvited(undefined);
    try {
      const created = await api('POST', '/api/v1/members', {
        body: { email: String(form.get('email') ?? ''), role: String(form.get('role') ?? 'editor') as Role },
      });
      setInvited({ email: created.invitation.email, link: `${window.location.origin}${created.acceptPath}` });
      setInvitations((n) => n + 1);
      formEl.reset();
    } catch (err) {
      setInviteError(err);
    } finally {
      setBusy(false);
    }
  };

  // Pages already shown stay: the members are updated in place rather than reloaded from the first page.
  const updateMembers = (change: (items: Member[]) => Member[]) =>
    members.setData((d) => d && { ...d, items: change(d.items) });

  const changeRole = async (m: Member, role: Role) => {
    setError(undefined);
    setNotice('');
    try {
      const changed = await api('PATCH', '/api/v1/members/{userId}', {
        params: { userId: m.userId },
        body: { role },
      });
      updateMembers((items) => items.map((x) => (x.userId === m.userId ? { ...x, role: changed.role } : x)));
      setNotice(`${m.email} is now ${role}.`);
    } catch (err) {
      setError(err);
    }
  };

  const remove = async (m: Member) => {
    if (!window.confirm(`Remove ${m.email} from this workspace?`)) return;
    setError(undefined);
    setNotice('');
    try {
      await api('DELETE', '/api/v1/members/{userId}', { params: { userId: m.userId } });
      updateMembers((items) => items.filter((x) => x.userId !== m.userId));
      setNotice(`${m.email} was removed from this workspace.`);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card" aria-labelledby="members-heading" id="members">
      <h2 id="members-heading">Members</h2>
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
      <LoadMore list={members} noun="member" />
      <ErrorBox error={error} />
      <Notice>{notice}</Notice>
      {admin && <PendingInvitations refresh={invitations} />}
      {admin && (
        <form className="form" onSubmit={invite} noValidate aria-labelledby="add-member-heading">
          <h3 id="add-member-heading">Invite a member</h3>
          <p className="meta">
            They join once they open the invitation link and accept it (signed in, or by choosing a password).
          </p>
          <div className="form-row">
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
          {inviteError && Object.keys(errors).length === 0 ? <ErrorBox error={inviteError} /> : null}
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Inviting…' : 'Invite member'}
            </button>
          </div>
          {invited ? (
            <div role="status" className="invited">
              <p className="notice">
                Invitation created for {invited.email}. They join as soon as they accept it.
              </p>
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
