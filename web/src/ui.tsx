// Shared building blocks: labelled fields with their API error, loading/empty/error states.
import {
  type InputHTMLAttributes,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { ApiError, messageOf, send } from './api.ts';
import { plainMessage } from './plain-errors.ts';

export function Field(props: {
  label: string;
  error?: string;
  hint?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy =
    [props.hint ? hintId : '', props.error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={props.error ? 'field has-error' : 'field'}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, describedBy, invalid: Boolean(props.error) })}
      {props.hint && (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p className="field-error" id={errorId}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** A labelled text input: the common case of `Field`, wired for hints, errors and screen readers. */
export function TextField({
  label,
  error,
  hint,
  ...input
}: { label: string; error?: string; hint?: string; name: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Field label={label} {...(error ? { error } : {})} {...(hint ? { hint } : {})}>
      {(f) => <input id={f.id} aria-describedby={f.describedBy} aria-invalid={f.invalid} {...input} />}
    </Field>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error-box" role="alert">
      {messageOf(error)}
    </p>
  );
}

/** An API refusal under a form: the details not already shown at one of `fields`, in plain words. */
export function FormError({ error, fields }: { error: unknown; fields: string[] }) {
  if (!error) return null;
  if (!(error instanceof ApiError) || error.details.length === 0) return <ErrorBox error={error} />;
  const rest = error.details.filter((d) => !fields.includes(d.path));
  if (rest.length === 0) return null;
  return (
    <ul className="error-box" role="alert">
      {rest.map((d) => (
        <li key={`${d.path}:${d.message}`}>{plainMessage(d.message, d.path)}</li>
      ))}
    </ul>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}

/** Loads data on mount and whenever a value in `deps` changes; `reload` refetches. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const loader = useRef(load);
  loader.current = load;
  const reload = useCallback(async () => {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const value = await loader.current();
      if (ticket === latest.current) {
        setData(value);
        setError(undefined);
      }
    } catch (e) {
      if (ticket === latest.current) setError(e);
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }, []);
  const key = JSON.stringify(deps);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the caller's dependencies
  useEffect(() => {
    void reload();
  }, [reload, key]);
  return { data, error, loading, reload, setData };
}

/** `value` once it has stayed the same for `ms` (a filter asked for when typing pauses, not per key). */
export function useSettled<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · Blogsmith` : 'Blogsmith';
  }, [title]);
}

/** Downloads a same-origin URL (cookie sent) as a file. */
export async function download(url: string, fallbackName: string) {
  const res = await send(url);
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name ? decodeURIComponent(name) : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/**
 * One form's request: its own busy flag, error and success notice, so feedback appears next to
 * the form that triggered it and one slow action does not disable the others.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const run = useCallback(async <T,>(action: () => Promise<T>, success = ''): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    setNotice('');
    try {
      const result = await action();
      setNotice(success);
      return result;
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, notice, run, setNotice, setError };
}

export function Notice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}
