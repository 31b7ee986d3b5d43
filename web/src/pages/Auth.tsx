// First-run owner setup and sign-in.
import { type FormEvent, useState } from 'react';
import { api, fieldErrors } from '../api.ts';
import { ErrorBox, TextField, usePageTitle } from '../ui.tsx';

// The fields of the setup and sign-in forms (FormData has every input of the form).
interface Credentials {
  email: string;
  password: string;
  name?: string;
  workspaceName?: string;
}

function useCredentialsForm(submit: (values: Credentials) => Promise<unknown>, onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const values = Object.fromEntries(new FormData(e.currentTarget)) as unknown as Credentials;
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
        body: {
          email: v.email,
          password: v.password,
          ...(v.name ? { name: v.name } : {}),
          ...(v.workspaceName ? { workspaceName: v.workspaceName } : {}),
        },
      }),
    onDone,
  );
  return (
    <main id="main" className="auth-page">
      <form className="card auth-card" onSubmit={form.onSubmit} noValidate>
        <h1>Welcome to Blogsmith</h1>
        <p>Create the owner account of this server. This page closes once it exists.</p>
        <TextField label="Your name (optional)" error={form.errors.name} name="name" autoComplete="name" />
        <TextField
          label="Email"
          error={form.errors.email}
          name="email"
          type="email"
          required
          autoComplete="email"
        />
        <TextField
          label="Password"
          hint="At least 8 characters."
          error={form.errors.password}
          name="password"
          type="password"
          required
          minLength={8}
          autoComplete="new-password"
        />
        <TextField label="Workspace name (optional)" error={form.errors.workspaceName} name="workspaceName" />
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
    (v) => api('POST', '/api/v1/auth/login', { body: { email: v.email, password: v.password } }),
    onDone,
  );
  return (
    <main id="main" className="auth-page">
      <form className="card auth-card" onSubmit={form.onSubmit} noValidate>
        <h1>Sign in to Blogsmith</h1>
        <TextField
          label="Email"
          error={form.errors.email}
          name="email"
          type="email"
          required
          autoComplete="username"
        />
        <TextField
          label="Password"
          error={form.errors.password}
          name="password"
          type="password"
          required
          autoComplete="current-password"
        />
        {form.error && Object.keys(form.errors).length === 0 ? <ErrorBox error={form.error} /> : null}
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
