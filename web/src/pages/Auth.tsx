// First-run owner setup, sign-in, and sign-up where the server takes them (`SIGNUP_ENABLED`).
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { api, fieldErrors } from '../api.ts';
import { ErrorBox, TextField, usePageTitle } from '../ui.tsx';

// The fields of the setup and sign-in forms (FormData has every input of the form).
interface Credentials {
  email: string;
  password: string;
  name?: string;
  workspaceName?: string;
}

function useCredentialsForm<T>(
  submit: (values: Credentials) => Promise<T>,
  onDone: (result: T, values: Credentials) => void,
) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const values = Object.fromEntries(new FormData(e.currentTarget)) as unknown as Credentials;
    setBusy(true);
    setError(undefined);
    try {
      onDone(await submit(values), values);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, errors: fieldErrors(error), onSubmit };
}

/** The address of a new or returning account (the browser's autofill tells the two apart). */
function EmailField(props: { error?: string; autoComplete: 'email' | 'username'; defaultValue?: string }) {
  return <TextField label="Email" name="email" type="email" required {...props} />;
}

/** The body of a new account (first-run setup, sign-up): optional fields left empty are left out. */
const newAccountBody = (v: Credentials) => ({
  email: v.email,
  password: v.password,
  ...(v.name ? { name: v.name } : {}),
  ...(v.workspaceName ? { workspaceName: v.workspaceName } : {}),
});

/** The fields of a new account, each with its refusal, and a refusal of no field below them. */
function NewAccountFields({ form }: { form: { error: unknown; errors: Record<string, string> } }) {
  return (
    <>
      <TextField label="Your name (optional)" error={form.errors.name} name="name" autoComplete="name" />
      <EmailField error={form.errors.email} autoComplete="email" />
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
    </>
  );
}

export function Setup({ onDone }: { onDone: () => void }) {
  usePageTitle('Set up');
  const form = useCredentialsForm(
    (v) =>
      api('POST', '/api/v1/setup', {
        body: newAccountBody(v),
      }),
    onDone,
  );
  return (
    <main id="main" className="auth-page">
      <form className="card auth-card" onSubmit={form.onSubmit} noValidate>
        <h1>Welcome to Blogsmith</h1>
        <p>Create the owner account of this server. This page closes once it exists.</p>
        <NewAccountFields form={form} />
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Creating…' : 'Create owner account'}
        </button>
      </form>
    </main>
  );
}

/**
 * The signed-out page: sign in, or — when the server takes sign-ups (`signUp`, from `GET /setup`) —
 * create an account first. Sign-up does not sign in (its answer is the same for a taken address),
 * so it comes back here with the address filled in and the server's message above.
 */
export function Login({ onDone, signUp = false }: { onDone: () => void; signUp?: boolean }) {
  const [mode, setMode] = useState<'sign-in' | 'sign-up'>('sign-in');
  const [signedUp, setSignedUp] = useState<{ email: string; message: string }>();
  usePageTitle(mode === 'sign-up' ? 'Create an account' : 'Sign in');
  const main = useRef<HTMLElement>(null);
  const switched = useRef(false);
  // The button that switched forms is gone: focus the first field left to fill in (after sign-up,
  // the password: the address is filled in).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs each time the other form is shown
  useEffect(() => {
    if (!switched.current) return;
    const inputs = [...(main.current?.querySelectorAll<HTMLInputElement>('form input') ?? [])];
    (inputs.find((i) => !i.value) ?? inputs[0])?.focus();
  }, [mode]);
  const show = (next: 'sign-in' | 'sign-up') => {
    switched.current = true;
    setMode(next);
  };
  return (
    <main id="main" className="auth-page" ref={main}>
      {mode === 'sign-up' ? (
        <SignUpForm
          onDone={(email, message) => {
            setSignedUp({ email, message });
            show('sign-in');
          }}
          onSignIn={() => show('sign-in')}
        />
      ) : (
        <SignInForm
          onDone={onDone}
          heading={<h1>Sign in to Blogsmith</h1>}
          {...(signedUp
            ? {
                email: signedUp.email,
                intro: (
                  <p className="notice" role="status">
                    {signedUp.message}
                  </p>
                ),
              }
            : {})}
          footer={
            signUp ? (
              <p>
                New here?{' '}
                <button type="button" className="link" onClick={() => show('sign-up')}>
                  Create an account
                </button>
              </p>
            ) : null
          }
        />
      )}
    </main>
  );
}

function SignUpForm({
  onDone,
  onSignIn,
}: {
  onDone: (email: string, message: string) => void;
  onSignIn: () => void;
}) {
  const form = useCredentialsForm(
    (v) =>
      api('POST', '/api/v1/auth/signup', {
        body: newAccountBody(v),
      }),
    (answer, v) => onDone(v.email, answer.message),
  );
  return (
    <form className="card auth-card" onSubmit={form.onSubmit} noValidate>
      <h1>Create an account</h1>
      <p>You get a workspace of your own. Then sign in with this email and password.</p>
      <NewAccountFields form={form} />
      <button type="submit" disabled={form.busy}>
        {form.busy ? 'Creating…' : 'Create account'}
      </button>
      <p>
        Already have an account?{' '}
        <button type="button" className="link" onClick={onSignIn}>
          Sign in
        </button>
      </p>
    </form>
  );
}

/**
 * Over the page when the session ended (it expired, or signed out elsewhere): signing in again here
 * keeps the page and what it holds. Sending the user to the sign-in page instead unmounted it, and a
 * save answered 401 lost the editor's unsaved text.
 */
export function SignInAgain({ email, onDone }: { email: string; onDone: () => void }) {
  const dialog = useRef<HTMLDivElement>(null);
  // The page behind is inert: focus starts at the password, the address being filled in.
  useEffect(() => {
    dialog.current?.querySelector<HTMLInputElement>('input[name="password"]')?.focus();
  }, []);
  return (
    <div className="modal-backdrop">
      <div ref={dialog} className="modal" role="dialog" aria-modal="true" aria-labelledby="sign-in-again">
        <SignInForm
          onDone={onDone}
          email={email}
          heading={<h2 id="sign-in-again">Your session has ended</h2>}
          intro={<p>Sign in again to carry on. What you have typed on this page is kept.</p>}
        />
      </div>
    </div>
  );
}

function SignInForm({
  onDone,
  heading,
  intro,
  email,
  footer,
}: {
  onDone: () => void;
  heading: ReactNode;
  intro?: ReactNode;
  email?: string;
  footer?: ReactNode;
}) {
  const form = useCredentialsForm(
    (v) => api('POST', '/api/v1/auth/login', { body: { email: v.email, password: v.password } }),
    onDone,
  );
  return (
    <form className="card auth-card" onSubmit={form.onSubmit} noValidate>
      {heading}
      {intro}
      <EmailField error={form.errors.email} autoComplete="username" defaultValue={email} />
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
      {footer}
    </form>
  );
}
