// First-run owner setup and sign-in.
import { type FormEvent, useState } from 'react';
import { api, fieldErrors } from '../api.ts';
import { ErrorBox, Field, usePageTitle } from '../ui.tsx';

function useCredentialsForm(
  submit: (values: Record<string, string>) => Promise<unknown>,
  onDone: () => void,
) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const values = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    setBusy(true);
    setError(undefined);
    try {
      await submit(values);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, errors: fieldErrors(error), onSubmit };
}

export function Setup({ onDone }: { onDone: () => void }) {
  usePageTitle('Set up');
  const form = useCredentialsForm(
    (v) =>
      api('POST', '/api/v1/setup', {
        email: v.email,
        password: v.password,
        ...(v.name ? { name: v.name } : {}),
        ...(v.workspaceName ? { workspaceName: v.workspaceName } : {}),
      }),
    onDone,
  );
  return (
    <main id="main" className="auth-page">
      <form className="card auth-card" onSubmit={form.onSubmit} noValidate>
        <h1>Welcome to Blogsmith</h1>
        <p>Create the owner account of this server. This page closes once it exists.</p>
        <Field label="Your name (optional)" error={form.errors.name}>
          {(f) => (
            <input
              id={f.id}
              name="name"
              autoComplete="name"
              aria-describedby={f.describedBy}
              aria-invalid={f.invalid}
            />
          )}
        </Field>
        <Field label="Email" error={form.errors.email}>
          {(f) => (
            <input
              id={f.id}
              name="email"
              type="email"
              required
              autoComplete="email"
              aria-describedby={f.describedBy}
              aria-invalid={f.invalid}
            />
          )}
        </Field>
        <Field label="Password" hint="At least 8 characters." error={form.errors.password}>
          {(f) => (
            <input
              id={f.id}
              name="password"
              type="password"
              required
              minLength={8}
              autoComplete="new-password"
              aria-describedby={f.describedBy}
              aria-invalid={f.invalid}
            />
          )}
        </Field>
        <Field label="Workspace name (optional)" error={form.errors.workspaceName}>
          {(f) => (
            <input id={f.id} name="workspaceName" aria-describedby={f.describedBy} aria-invalid={f.invalid} />
          )}
        </Field>
        {form.error && Object.keys(form.errors).length === 0 ? <ErrorBox error={form.error} /> : null}
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Creating…' : 'Create owner account'}
        </button>
      </form>
    </main>
  );
}

export function Login({ onDone }: { onDone: () => void }) {
  usePageTitle('Sign in');
  const form = useCredentialsForm(
    (v) => api('POST', '/api/v1/auth/login', { email: v.email, password: v.password }),
    onDone,
  );
  return (
    <main id="main" className="auth-page">
      <form className="card auth-card" onSubmit={form.onSubmit} noValidate>
        <h1>Sign in to Blogsmith</h1>
        <Field label="Email" error={form.errors.email}>
          {(f) => (
            <input
              id={f.id}
              name="email"
              type="email"
              required
              autoComplete="username"
              aria-describedby={f.describedBy}
              aria-invalid={f.invalid}
            />
          )}
        </Field>
        <Field label="Password" error={form.errors.password}>
          {(f) => (
            <input
              id={f.id}
              name="password"
              type="password"
              required
              autoComplete="current-password"
              aria-describedby={f.describedBy}
              aria-invalid={f.invalid}
            />
          )}
        </Field>
        {form.error && Object.keys(form.errors).length === 0 ? <ErrorBox error={form.error} /> : null}
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
