// Settings › LLM: providers, role models and budget (admins), the resolved chains (others).
import { type FormEvent, useState } from 'react';
import {
  api,
  fieldErrors,
  type LlmProviders,
  type LlmRole,
  type LlmSettingsUpdate,
  llmRoles,
  type ModelCheck,
  type ProviderName,
  providerNames,
} from '../../api.ts';
import { Empty, ErrorBox, Field, Loading, useLoad } from '../../ui.tsx';

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
export function ProvidersView() {
  const providers = useLoad(() => api('GET', '/api/v1/llm/providers'), []);
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

export function LlmSection() {
  const settings = useLoad(() => api('GET', '/api/v1/llm/settings'), []);
  const providers = useLoad(() => api('GET', '/api/v1/llm/providers'), []);
  const [provider, setProvider] = useState<ProviderName>('compatible');
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const [check, setCheck] = useState<ModelCheck[]>();
  const errors = fieldErrors(error);

  const put = async (what: string, body: LlmSettingsUpdate, form?: HTMLFormElement) => {
    setBusy(what);
    setError(undefined);
    setNotice('');
    try {
      settings.setData(await api('PUT', '/api/v1/llm/settings', { body }));
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
      setCheck((await api('POST', '/api/v1/llm/check')).items);
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
