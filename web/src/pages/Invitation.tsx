// Accepting a workspace invitation (the link an admin shares, /invite/<token>): signed in as the
// invited address, one click; otherwise choose a password (new account) or enter yours.
import { type FormEvent, useState } from 'react';
import { api, fieldErrors, type Me } from '../api.ts';
import { ErrorBox, Loading, TextField, useLoad, usePageTitle } from '../ui.tsx';

export function AcceptInvitation({ token, me, onDone }: { token: string; me?: Me; onDone: () => void }) {
  usePageTitle('Invitation');
  const invitation = useLoad(() => api('GET', '/api/v1/invitations/{token}', { params: { token } }), [token]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const errors = fieldErrors(error);

  const accept = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const password = String(form.get('password') ?? '');
    const name = String(form.get('name') ?? '');
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/api/v1/invitations/{token}/accept', {
        params: { token },
        body: me ? {} : { password, ...(name ? { name } : {}) },
      });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const info = invitation.data;
  return (
    <main id="main" className="auth-page">
      <form className="card auth-card" onSubmit={accept} noValidate>
        <h1>Join a workspace</h1>
        {invitation.loading && !info ? <Loading /> : null}
        {invitation.error ? <ErrorBox error={invitation.error} /> : null}
        {info ? (
          <>
            <p>
              You are invited to <strong>{info.workspace.name}</strong> as <strong>{info.role}</strong>, with
              the address <strong>{info.email}</strong>.
            </p>
            {me ? (
              <p>You are signed in as {me.user.email}.</p>
            ) : (
              <>
                <TextField label="Your name (optional)" error={errors.name} name="name" autoComplete="name" />
                <TextField
                  label="Password"
                  hint="New here: choose one (at least 8 characters). Already have an account: your password."
                  error={errors.password}
                  name="password"
                  type="password"
                  required
                  minLength={8}
                  autoComplete="new-password"
                />
              </>
            )}
            {error && Object.keys(errors).length === 0 ? <ErrorBox error={error} /> : null}
            <button type="submit" disabled={busy}>
              {busy ? 'Joining…' : 'Accept invitation'}
            </button>
          </>
        ) : null}
      </form>
    </main>
  );
}
