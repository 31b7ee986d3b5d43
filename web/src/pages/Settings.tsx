// Settings: LLM providers, role models and budget; API keys; members.
import { type FormEvent, useState } from 'react';
import {
  type ApiKey,
  api,
  fieldErrors,
  type LlmProviders,
  type LlmRole,
  type LlmSettings,
  llmRoles,
  type Me,
  type Member,
  type Page,
  type ProviderName,
  providerNames,
  type Role,
  when,
} from '../api.ts';
import { Empty, ErrorBox, Field, Loading, useLoad, usePageTitle } from '../ui.tsx';

const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };
const roles: Role[] = ['viewer', 'editor', 'admin', 'owner'];
const scopes = [
  'articles:read',
  'articles:write',
  'documents:read',
  'documents:write',
  'settings:read',
  'settings:write',
  'admin',
];

const providerLabels: Record<ProviderName, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
  groq: 'Groq',
  ollama: 'Ollama',
  compatible: 'OpenAI-compatible (vLLM, llama.cpp, LM Studio, OpenRouter…)',
};

const roleHints: Record<LlmRole, string> = {
  planner: 'Outlines and search queries',
  writer: 'Writes the sections',
  checker: 'Checks facts and citations',
  embedder: 'Embeddings for the knowledge library',
};

export function Settings({ me }: { me: Me }) {
  usePageTitle('Settings');
  const admin = rank[me.workspace.role] >= rank.admin;
  const editor = rank[me.workspace.role] >= rank.editor;
  return (
    <>
      <h1>Settings</h1>
      <p className="meta">
        Signed in as {me.user.email} · role {me.workspace.role}
      </p>
      {me.via === 'session' && me.workspaces.length > 1 && <WorkspaceSwitcher me={me} />}
      {admin ? <LlmSection /> : <ProvidersView />}
      {editor && <ApiKeysSection />}
      <MembersSection me={me} admin={admin} />
    </>
  );
}

function ProvidersView() {
  const providers = useLoad(() => api<LlmProviders>('GET', '/api/v1/llm/providers'), []);
  return (
    <section className="card" aria-labelledby="llm-heading">
      <h2 id="llm-heading">Models</h2>
      {providers.loading && !providers.data ? <Loading /> : <ErrorBox error={providers.error} />}
      {providers.data && <RoleChains data={providers.data} />}
      <p className="hint">Only admins can change providers and models.</p>
    </section>
  );
}

function RoleChains({ data }: { data: LlmProviders }) {
  return (
    <dl className="facts">
      {llmRoles.map((role) => (
        <div key={role}>
          <dt>{role}</dt>
          <dd className="break" data-role-chain={role}>
            {data.roles[role].length
              ? data.roles[role].join(' → ')
              : 'no model yet — connect a provider and set one'}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function LlmSection() {
  const settings = useLoad(() => api<LlmSettings>('GET', '/api/v1/llm/settings'), []);
  const providers = useLoad(() => api<LlmProviders>('GET', '/api/v1/llm/providers'), []);
  const [provider, setProvider] = useState<ProviderName>('compatible');
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const [check, setCheck] =
    useState<Array<{ model: string; kind: string; ok: boolean; latencyMs: number; error?: string }>>();
  const errors = fieldErrors(error);

  const put = async (what: string, body: unknown, form?: HTMLFormElement) => {
    setBusy(what);
    setError(undefined);
    setNotice('');
    try {
      settings.setData(await api<LlmSettings>('PUT', '/api/v1/llm/settings', body));
      await providers.reload();
      setNotice(`${what} saved.`);
      form?.reset();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };

  const saveProvider = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const apiKey = String(form.get('apiKey') ?? '').trim();
    const baseUrl = String(form.get('baseUrl') ?? '').trim();
    const current = settings.data?.credentials[provider];
    void put(
      'Provider',
      {
        credentials: {
          [provider]: {
            ...(apiKey ? { apiKey } : {}),
            baseUrl: baseUrl || (current?.baseUrl ? null : undefined),
          },
        },
      },
      e.currentTarget,
    );
  };

  const removeKey = () => void put('Provider', { credentials: { [provider]: { apiKey: null } } });

  const saveModels = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const roleModels = Object.fromEntries(
      llmRoles.map((r) => {
        const v = String(form.get(r) ?? '').trim();
        return [r, v || null];
      }),
    );
    void put('Models', { roleModels });
  };

  const saveBudget = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = String(new FormData(e.currentTarget).get('budget') ?? '').trim();
    void put('Budget', { monthlyBudgetUsd: v ? Number(v) : null });
  };

  const runCheck = async () => {
    setBusy('check');
    setCheck(undefined);
    setError(undefined);
    try {
      setCheck((await api<{ results: NonNullable<typeof check> }>('POST', '/api/v1/llm/check')).results);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };

  if (settings.loading && !settings.data) return <Loading />;
  if (settings.error) return <ErrorBox error={settings.error} />;
  const s = settings.data!;
  const cred = s.credentials[provider];
  const baseUrlError = errors[`credentials.${provider}.baseUrl`];
  const apiKeyError = errors[`credentials.${provider}.apiKey`];

  return (
    <section className="card" aria-labelledby="llm-heading">
      <h2 id="llm-heading">Language models</h2>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error && Object.keys(errors).length === 0 ? <ErrorBox error={error} /> : null}
      <div className="grid-2">
        <form className="form" onSubmit={saveProvider} noValidate aria-labelledby="provider-heading">
          <h3 id="provider-heading">Connect a provider</h3>
          <Field label="Provider">
            {(f) => (
              <select
                id={f.id}
                value={provider}
                onChange={(e) => setProvider(e.target.value as ProviderName)}
              >
                {providerNames.map((p) => (
                  <option key={p} value={p}>
                    {providerLabels[p]}
                    {s.credentials[p]?.apiKeySet || s.credentials[p]?.baseUrl ? ' — connected' : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="API key"
            hint={
              cred?.apiKeySet
                ? 'A key is set (stored encrypted, never shown again). Type a new one to replace it.'
                : 'Stored encrypted on this server and never shown again.'
            }
            error={apiKeyError}
          >
            {(f) => (
              <input
                id={f.id}
                name="apiKey"
                type="password"
                autoComplete="off"
                placeholder={cred?.apiKeySet ? '•••••••• (set)' : ''}
                aria-describedby={f.describedBy}
                aria-invalid={f.invalid || undefined}
              />
            )}
          </Field>
          <Field
            label="Base URL (optional)"
            hint={
              provider === 'compatible'
                ? 'Required: e.g. http://localhost:8000/v1'
                : "Leave empty for the provider's default."
            }
            error={baseUrlError}
          >
            {(f) => (
              <input
                id={f.id}
                name="baseUrl"
                type="url"
                key={`${provider}-${cred?.baseUrl ?? ''}`}
                defaultValue={cred?.baseUrl ?? ''}
                aria-describedby={f.describedBy}
                aria-invalid={f.invalid || undefined}
              />
            )}
          </Field>
          <div className="actions">
            <button type="submit" disabled={busy !== undefined}>
              {busy === 'Provider' ? 'Saving…' : 'Save provider'}
            </button>
            {cred?.apiKeySet && (
              <button type="button" className="secondary" onClick={removeKey} disabled={busy !== undefined}>
                Remove key
              </button>
            )}
          </div>
        </form>
        <div>
          <h3>Providers in use</h3>
          {providers.data ? (
            <>
              <ul className="list">
                {providers.data.providers
                  .filter((p) => p.configured)
                  .map((p) => (
                    <li key={p.name}>
                      <strong>{p.name}</strong>{' '}
                      <span className="meta">
                        {p.source === 'environment' ? 'from the server environment' : 'this workspace'}
                        {p.baseUrl ? ` · ${p.baseUrl}` : ''}
                      </span>
                    </li>
                  ))}
              </ul>
              {!providers.data.providers.some((p) => p.configured) && (
                <Empty>No provider yet: connect one to generate articles.</Empty>
              )}
              <h3>Model of each role</h3>
              <RoleChains data={providers.data} />
            </>
          ) : (
            <Loading />
          )}
          <div className="actions">
            <button type="button" className="secondary" onClick={runCheck} disabled={busy !== undefined}>
              {busy === 'check' ? 'Testing…' : 'Test models'}
            </button>
          </div>
          {check && (
            <ul className="list" aria-label="Model test results" data-testid="model-check">
              {check.length === 0 && <li>No model is configured.</li>}
              {check.map((r) => (
                <li key={`${r.kind}-${r.model}`}>
                  <span className={`badge ${r.ok ? 'status-completed' : 'status-failed'}`}>
                    {r.ok ? 'ok' : 'failed'}
                  </span>{' '}
                  <span className="break">
                    {r.model} ({r.kind}) · {r.latencyMs} ms
                  </span>
                  {r.error && <p className="field-error break">{r.error}</p>}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <div className="grid-2">
        <form className="form" onSubmit={saveModels} noValidate aria-labelledby="models-heading">
          <h3 id="models-heading">Models per role</h3>
          <p className="hint">
            As provider:model, e.g. openai:gpt-4o-mini or compatible:qwen3. Empty uses the default.
          </p>
          {llmRoles.map((role) => (
            <Field
              key={role}
              label={`${role[0]!.toUpperCase()}${role.slice(1)} model`}
              hint={roleHints[role]}
              error={errors[`roleModels.${role}`]}
            >
              {(f) => (
                <input
                  id={f.id}
                  name={role}
                  defaultValue={s.roleModels[role] ?? ''}
                  placeholder={providers.data?.roles[role][0] ?? 'provider:model'}
                  aria-describedby={f.describedBy}
                  aria-invalid={f.invalid || undefined}
                />
              )}
            </Field>
          ))}
          <div className="actions">
            <button type="submit" disabled={busy !== undefined}>
              {busy === 'Models' ? 'Saving…' : 'Save models'}
            </button>
          </div>
        </form>
        <form className="form" onSubmit={saveBudget} noValidate aria-labelledby="budget-heading">
          <h3 id="budget-heading">Monthly budget</h3>
          <Field
            label="Budget in USD"
            hint="Warning at 80 %, model calls refused at 100 %. Empty: no budget."
            error={errors.monthlyBudgetUsd}
          >
            {(f) => (
              <input
                id={f.id}
                name="budget"
                type="number"
                min={0}
                step="0.01"
                inputMode="decimal"
                defaultValue={s.monthlyBudgetUsd ?? ''}
                aria-describedby={f.describedBy}
                aria-invalid={f.invalid || undefined}
              />
            )}
          </Field>
          <div className="actions">
            <button type="submit" disabled={busy !== undefined}>
              {busy === 'Budget' ? 'Saving…' : 'Save budget'}
            </button>
          </div>
        </form>
      </div>
    </section>
  );
}

function ApiKeysSection() {
  const keys = useLoad(() => api<Page<ApiKey>>('GET', '/api/v1/api-keys?limit=100'), []);
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  const errors = fieldErrors(error);

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const chosen = form.getAll('scopes').map(String);
    setBusy(true);
    setError(undefined);
    setCopied(false);
    try {
      const res = await api<{ key: string; apiKey: ApiKey }>('POST', '/api/v1/api-keys', {
        name: String(form.get('name') ?? ''),
        ...(chosen.length ? { scopes: chosen } : {}),
      });
      setCreated(res.key);
      keys.setData((d) => ({ items: [res.apiKey, ...(d?.items ?? [])], nextCursor: d?.nextCursor ?? null }));
      formEl.reset();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (k: ApiKey) => {
    if (!window.confirm(`Revoke the key "${k.name}"? Scripts using it stop working.`)) return;
    try {
      await api('DELETE', `/api/v1/api-keys/${k.id}`);
      await keys.reload();
    } catch (err) {
      setError(err);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created);
      setCopied(true);
    } catch {
      // No Clipboard API over plain HTTP: select the key so Ctrl+C copies it.
      const input = document.getElementById('new-key-value') as HTMLInputElement | null;
      input?.focus();
      input?.select();
      setCopied(false);
    }
  };

  return (
    <section className="card" aria-labelledby="keys-heading">
      <h2 id="keys-heading">API keys</h2>
      <div className="grid-2">
        <form className="form" onSubmit={create} noValidate>
          <Field label="Key name" hint='e.g. "ci" or "zapier"' error={errors.name}>
            {(f) => (
              <input
                id={f.id}
                name="name"
                aria-describedby={f.describedBy}
                aria-invalid={f.invalid || undefined}
              />
            )}
          </Field>
          <fieldset>
            <legend>Scopes (none chosen: everything your role allows)</legend>
            <ul className="checks">
              {scopes.map((s) => (
                <li key={s}>
                  <label>
                    <input type="checkbox" name="scopes" value={s} /> {s}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          {error && Object.keys(errors).length === 0 ? <ErrorBox error={error} /> : null}
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Creating…' : 'Create key'}
            </button>
          </div>
        </form>
        <div>
          {created && (
            <div className="card new-key" role="status">
              <p>
                <strong>Copy this key now: it is shown only once.</strong>
              </p>
              <label htmlFor="new-key-value">New API key</label>
              <input id="new-key-value" readOnly value={created} onFocus={(e) => e.currentTarget.select()} />
              <div className="actions">
                <button type="button" className="secondary" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </button>
                <button type="button" className="secondary" onClick={() => setCreated(undefined)}>
                  Done
                </button>
              </div>
            </div>
          )}
          {keys.loading && !keys.data ? (
            <Loading />
          ) : keys.error ? (
            <ErrorBox error={keys.error} />
          ) : keys.data?.items.length ? (
            <ul className="list" aria-label="API keys">
              {keys.data.items.map((k) => (
                <li key={k.id} className={k.revokedAt ? 'revoked' : ''}>
                  <strong className="break">{k.name}</strong> <code>{k.prefix}…</code>
                  <span className="meta">
                    {' '}
                    {k.scopes.join(', ')} · created {when(k.createdAt)} · last used {when(k.lastUsedAt)}
                    {k.revokedAt ? ` · revoked ${when(k.revokedAt)}` : ''}
                  </span>
                  {!k.revokedAt && (
                    <button
                      type="button"
                      className="danger small"
                      onClick={() => revoke(k)}
                      aria-label={`Revoke ${k.name}`}
                    >
                      Revoke
                    </button>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <Empty>No API keys yet.</Empty>
          )}
        </div>
      </div>
    </section>
  );
}

function MembersSection({ me, admin }: { me: Me; admin: boolean }) {
  const members = useLoad(() => api<{ items: Member[] }>('GET', '/api/v1/members'), []);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error);

  const add = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const password = String(form.get('password') ?? '');
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/api/v1/members', {
        email: String(form.get('email') ?? ''),
        role: String(form.get('role') ?? 'editor'),
        ...(password ? { password } : {}),
      });
      formEl.reset();
      await members.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const changeRole = async (m: Member, role: string) => {
    setError(undefined);
    try {
      await api('PATCH', `/api/v1/members/${m.userId}`, { role });
      await members.reload();
    } catch (err) {
      setError(err);
    }
  };

  const remove = async (m: Member) => {
    if (!window.confirm(`Remove ${m.email} from this workspace?`)) return;
    try {
      await api('DELETE', `/api/v1/members/${m.userId}`);
      await members.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      {error && Object.keys(errors).length === 0 ? <ErrorBox error={error} /> : null}
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
                    onChange={(e) => changeRole(m, e.target.value)}
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
        <form className="form" onSubmit={add} noValidate aria-labelledby="add-member-heading">
          <h3 id="add-member-heading">Add a member</h3>
          <div className="grid-3">
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
            <Field
              label="Password for a new user (optional)"
              hint="Only when the email has no account yet."
              error={errors.password}
            >
              {(f) => (
                <input
                  id={f.id}
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  aria-describedby={f.describedBy}
                  aria-invalid={f.invalid || undefined}
                />
              )}
            </Field>
          </div>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Adding…' : 'Add member'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function WorkspaceSwitcher({ me }: { me: Me }) {
  const [error, setError] = useState<unknown>();
  const switchTo = async (workspaceId: string) => {
    try {
      await api('POST', '/api/v1/auth/workspace', { workspaceId });
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
