// Settings › your account: change the password (the other sessions end), where you're signed in,
// sign out everywhere, and leave this workspace. Browser sessions only, as the API has it.
import { type FormEvent, useState } from 'react';
import { api, fieldErrors, type Me } from '../../api.ts';
import { ErrorBox, FormError, Notice, TextField, useAction } from '../../ui.tsx';
import { SignInsList } from './SignIns.tsx';

export function AccountSection({ me }: { me: Me }) {
  const change = useAction();
  const errors = fieldErrors(change.error);
  const [elsewhereError, setElsewhereError] = useState<unknown>();
  // Bumped when a password change has signed the other sessions out: the list reads them again.
  const [passwordChanges, setPasswordChanges] = useState(0);
  const workspaceName = me.workspaces.find((w) => w.id === me.workspace.id)?.name ?? 'this workspace';

  const changePassword = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const done = await change.run(() =>
      api('POST', '/api/v1/auth/password', {
        body: {
          currentPassword: String(form.get('currentPassword') ?? ''),
          newPassword: String(form.get('newPassword') ?? ''),
        },
      }),
    );
    if (!done) return;
    formEl.reset();
    setPasswordChanges((n) => n + 1);
    change.setNotice(
      done.signedOut === 0
        ? 'Password changed.'
        : `Password changed. ${done.signedOut} other ${done.signedOut === 1 ? 'session was' : 'sessions were'} signed out.`,
    );
  };

  const signOutEverywhere = async () => {
    if (!window.confirm('Sign out everywhere, this browser included? API keys keep working.')) return;
    setElsewhereError(undefined);
    try {
      await api('POST', '/api/v1/auth/logout-everywhere');
      window.location.assign('/');
    } catch (err) {
      setElsewhereError(err);
    }
  };

  const leave = async () => {
    const question = `Leave "${workspaceName}"? You lose access to its articles and documents, and your API keys there stop working. Only an admin can invite you back.`;
    if (!window.confirm(question)) return;
    setElsewhereError(undefined);
    try {
      await api('DELETE', '/api/v1/members/me');
      // Into the workspace the session moved to, or to sign-in when none is left.
      window.location.assign('/');
    } catch (err) {
      setElsewhereError(err);
    }
  };

  return (
    <section className="card" aria-labelledby="account-heading" id="account">
      <h2 id="account-heading">Your account</h2>
      <form className="form" onSubmit={changePassword} noValidate>
        <h3>Change password</h3>
        <TextField
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          {...(errors.currentPassword ? { error: errors.currentPassword } : {})}
        />
        <TextField
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          hint="At least 8 characters. Your other sessions are signed out; API keys keep working."
          required
          minLength={8}
          {...(errors.newPassword ? { error: errors.newPassword } : {})}
        />
        <FormError error={change.error} fields={['currentPassword', 'newPassword']} />
        <Notice>{change.notice}</Notice>
        <div className="actions">
          <button type="submit" disabled={change.busy}>
            {change.busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
      <h3>Sign-ins and workspace</h3>
      <SignInsList reload={passwordChanges} />
      <div className="actions">
        <button type="button" className="secondary" onClick={signOutEverywhere}>
          Sign out everywhere
        </button>
        <button type="button" className="danger" onClick={leave}>
          Leave this workspace
        </button>
      </div>
      <ErrorBox error={elsewhereError} />
    </section>
  );
}
