// The shell: first-run setup or sign-in when needed, then the navigation and the current page.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, type Me, unauthenticatedEvent } from './api.ts';
import { PageErrorBoundary } from './components/PageErrorBoundary.tsx';
import { Login, Setup, SignInAgain } from './pages/Auth.tsx';
import { Dashboard } from './pages/Dashboard.tsx';
import { Editor } from './pages/Editor.tsx';
import { AcceptInvitation } from './pages/Invitation.tsx';
import { Knowledge } from './pages/Knowledge.tsx';
import { Library } from './pages/Library.tsx';
import { LiveGeneration } from './pages/live/LiveGeneration.tsx';
import { NewArticle } from './pages/NewArticle.tsx';
import { Quality } from './pages/Quality.tsx';
import { Settings } from './pages/Settings.tsx';
import { rank } from './pages/settings/Members.tsx';
import { Tools } from './pages/Tools.tsx';
import { Link, match, mayLeave, navigate, useLocation } from './router.tsx';
import { ErrorBox, Loading } from './ui.tsx';

type Session =
  | { kind: 'loading' }
  | { kind: 'setup' }
  | { kind: 'signed-out' }
  // `ended`: a call answered 401 (the session expired or was signed out elsewhere).
  | { kind: 'signed-in'; me: Me; ended?: boolean };

const navItems = [
  { to: '/', label: 'Dashboard' },
  { to: '/articles/new', label: 'New article' },
  { to: '/library', label: 'Library' },
  { to: '/knowledge', label: 'Knowledge' },
  { to: '/tools', label: 'Tools' },
  { to: '/quality', label: 'Quality' },
  { to: '/settings', label: 'Settings' },
];

export function App() {
  const [session, setSession] = useState<Session>({ kind: 'loading' });
  const [error, setError] = useState<unknown>();
  // Whether the server takes sign-ups: the sign-in page then offers "Create an account".
  const [signUp, setSignUp] = useState(false);
  const { path } = useLocation();

  const refresh = useCallback(async () => {
    try {
      const setup = await api('GET', '/api/v1/setup');
      setSignUp(setup.signUp);
      if (setup.needed) return setSession({ kind: 'setup' });
      const me = await api('GET', '/api/v1/me');
      setSession({ kind: 'signed-in', me });
      setError(undefined);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setSession({ kind: 'signed-out' });
      else setError(e);
    }
  }, []);

  useEffect(() => {
    void refresh();
    const onUnauthenticated = () => setSession((s) => (s.kind === 'signed-in' ? { ...s, ended: true } : s));
    window.addEventListener(unauthenticatedEvent, onUnauthenticated);
    return () => window.removeEventListener(unauthenticatedEvent, onUnauthenticated);
  }, [refresh]);

  if (session.kind === 'loading')
    return (
      <main className="center">
        {error ? <ErrorBox error={error} /> : <Loading label="Starting Blogsmith…" />}
      </main>
    );
  if (session.kind === 'setup') return <Setup onDone={refresh} />;
  // An invitation link works signed in (as the invited address) or out (choose or give a password).
  const invitation = match('/invite/:token', path);
  if (invitation?.token)
    return (
      <AcceptInvitation
        token={invitation.token}
        {...(session.kind === 'signed-in' ? { me: session.me } : {})}
        onDone={() => {
          navigate('/', { replace: true });
          void refresh();
        }}
      />
    );
  if (session.kind === 'signed-out') return <Login onDone={refresh} signUp={signUp} />;
  // A session that ended keeps the page (and its unsaved work) under the sign-in dialog; another
  // person signing in there gets a fresh app (keyed by user).
  return (
    <>
      <Shell
        key={session.me.user.id}
        me={session.me}
        path={path}
        inert={session.ended === true}
        onSignedOut={() => {
          setSession({ kind: 'signed-out' });
          navigate('/', { replace: true });
        }}
      />
      {session.ended && <SignInAgain email={session.me.user.email} onDone={refresh} />}
    </>
  );
}

function Shell({
  me,
  path,
  inert,
  onSignedOut,
}: {
  me: Me;
  path: string;
  inert: boolean;
  onSignedOut: () => void;
}) {
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  const [menuOpen, setMenuOpen] = useState(false);

  // Move focus to the new page's content after client-side navigation (not on first load).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each change of page
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    setMenuOpen(false);
    mainRef.current?.focus();
    window.scrollTo(0, 0);
  }, [path]);

  const logout = async () => {
    // Asked before the session is gone: after it, staying would keep nothing.
    if (!mayLeave()) return;
    try {
      await api('POST', '/api/v1/auth/logout');
    } finally {
      onSignedOut();
    }
  };

  // Escape closes the open menu and gives focus back to its button.
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setMenuOpen(false);
      document.querySelector<HTMLButtonElement>('.menu-toggle')?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  const workspaceName = me.workspaces.find((w) => w.id === me.workspace.id)?.name;
  const current = (to: string) =>
    to === '/' ? path === '/' : path === to || (to !== '/articles/new' && path.startsWith(`${to}/`));

  return (
    <>
      <a className="skip-link" href="#main" inert={inert}>
        Skip to content
      </a>
      <header className="topbar" inert={inert}>
        <div className="brand-block">
          <Link to="/" className="brand">
            Blogsmith
          </Link>
          {workspaceName && (
            <span className="workspace-name" data-testid="workspace-name" title="Workspace">
              {workspaceName}
            </span>
          )}
        </div>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="primary-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </button>
        <nav id="primary-nav" aria-label="Main" className={menuOpen ? 'open' : ''}>
          <ul>
            {navItems.map((item) => (
              <li key={item.to}>
                <Link
                  to={item.to}
                  aria-current={current(item.to) ? 'page' : undefined}
                  onClick={() => setMenuOpen(false)}
                >
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
          <div className="account">
            <span className="who" title={me.user.email}>
              {me.user.email}
            </span>
            <button type="button" className="secondary" onClick={logout}>
              Sign out
            </button>
          </div>
        </nav>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} inert={inert}>
        <PageErrorBoundary key={path}>
          <Page path={path} me={me} />
        </PageErrorBoundary>
      </main>
    </>
  );
}

function Page({ path, me }: { path: string; me: Me }) {
  if (path === '/' || path === '') return <Dashboard />;
  if (path === '/articles/new') return <NewArticle />;
  const live = match('/articles/:id/live', path);
  if (live) return <LiveGeneration key={live.id} id={live.id!} />;
  const edit = match('/articles/:id', path);
  if (edit) return <Editor key={edit.id} id={edit.id!} me={me} />;
  if (path === '/library') return <Library me={me} />;
  if (path === '/knowledge') return <Knowledge me={me} />;
  if (path === '/quality') return <Quality />;
  if (path === '/tools') return <Tools canWrite={rank[me.workspace.role] >= rank.editor} />;
  if (path === '/settings') return <Settings me={me} />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>. <Link to="/">Go to the dashboard</Link>.
      </p>
    </section>
  );
}
