// The guided connect: provider → address or key → pick a model from the provider's own list →
// every writing role uses it → the parent tests it. Each step answers next to its own form.
import { type FormEvent, useRef, useState } from 'react';
import {
  api,
  fieldErrors,
  type Json,
  type LlmProviders,
  type LlmSettings,
  type ProviderName,
  providerNames,
} from '../../../api.ts';
import { Field, FormError, Notice, useAction } from '../../../ui.tsx';
import { connectNeeds, providerLabels } from './providers.ts';

type ListedModel = Json<'/api/v1/llm/providers/{provider}/models', 'GET'>['items'][number];

export function ConnectProvider({
  settings,
  providers,
  onSettings,
  onModelsChosen,
}: {
  settings: LlmSettings;
  providers: LlmProviders | undefined;
  onSettings: (s: LlmSettings) => void;
  onModelsChosen: () => void;
}) {
  const firstConnected = providers?.providers.find((p) => p.configured)?.name;
  const [provider, setProvider] = useState<ProviderName>(firstConnected ?? 'compatible');
  const [models, setModels] = useState<ListedModel[]>();
  const connect = useAction();
  const list = useAction();
  const cred = settings.credentials[provider];
  const needs = connectNeeds[provider];
  const connected =
    Boolean(cred?.apiKeySet || cred?.baseUrl) ||
    Boolean(providers?.providers.find((p) => p.name === provider)?.configured);
  const errors = fieldErrors(connect.error);
  const keyPath = `credentials.${provider}.apiKey`;
  const urlPath = `credentials.${provider}.baseUrl`;

  // The provider shown now: a listing asked for another one (a slow local server, then a switch)
  // is dropped when it answers, its models and its failure alike.
  const shown = useRef(provider);
  shown.current = provider;
  const loadModels = () => {
    const asked = provider;
    return list.run(async () => {
      setModels(undefined);
      try {
        const res = await api('GET', '/api/v1/llm/providers/{provider}/models', {
          params: { provider: asked },
        });
        if (shown.current === asked) setModels(res.items);
      } catch (e) {
        if (shown.current === asked) throw e;
      }
    });
  };

  const choose = (p: ProviderName) => {
    setProvider(p);
    setModels(undefined);
    connect.setError(undefined);
    connect.setNotice('');
    list.setError(undefined);
  };

  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const apiKey = String(form.get('apiKey') ?? '').trim();
    const baseUrl = String(form.get('baseUrl') ?? '').trim();
    const missing =
      (needs.key === 'required' && !apiKey && !cred?.apiKeySet) ||
      (needs.url === 'required' && !baseUrl && !cred?.baseUrl);
    if (missing && !connected) {
      connect.setError(undefined);
      connect.setNotice('');
      return connect.run(async () => {
        throw new Error(
          needs.url === 'required'
            ? 'Enter the address of your server to connect it.'
            : `Enter your ${providerLabels[provider]} API key to connect it.`,
        );
      });
    }
    const changed = Boolean(apiKey) || baseUrl !== (cred?.baseUrl ?? '');
    const saved = await connect.run(
      async () => {
        if (changed)
          onSettings(
            await api('PUT', '/api/v1/llm/settings', {
              body: {
                credentials: {
                  [provider]: {
                    ...(apiKey ? { apiKey } : {}),
                    baseUrl: baseUrl || (cred?.baseUrl ? null : undefined),
                  },
                },
              },
            }),
          );
        return true;
      },
      `${providerLabels[provider].split(' (')[0]} connected. Now pick the model to write with.`,
    );
    if (saved) {
      formEl.reset();
      await loadModels();
    }
  };

  const removeKey = () =>
    connect.run(async () => {
      onSettings(
        await api('PUT', '/api/v1/llm/settings', { body: { credentials: { [provider]: { apiKey: null } } } }),
      );
      setModels(undefined);
    }, 'Key removed.');

  return (
    <div className="connect-flow">
      <form className="form" onSubmit={save} noValidate aria-labelledby="provider-heading">
        <h3 id="provider-heading">1. Connect a provider</h3>
        <Field label="Provider">
          {(f) => (
            <select id={f.id} value={provider} onChange={(e) => choose(e.target.value as ProviderName)}>
              {providerNames.map((p) => (
                <option key={p} value={p}>
                  {providerLabels[p]}
                  {settings.credentials[p]?.apiKeySet || settings.credentials[p]?.baseUrl
                    ? ' — connected'
                    : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
        {needs.url !== 'none' && (
          <Field label={needs.urlLabel} hint={needs.urlHint} error={errors[urlPath]}>
            {(f) => (
              <input
                id={f.id}
                name="baseUrl"
                type="url"
                key={`${provider}-${cred?.baseUrl ?? ''}`}
                defaultValue={cred?.baseUrl ?? ''}
                required={needs.url === 'required'}
                aria-describedby={f.describedBy}
                aria-invalid={f.invalid || undefined}
              />
            )}
          </Field>
        )}
        {needs.key !== 'none' && (
          <Field
            label={needs.key === 'required' ? 'API key' : 'API key (optional)'}
            hint={
              cred?.apiKeySet
                ? 'A key is set (stored encrypted, never shown again). Type a new one to replace it.'
                : 'Stored encrypted on this server and never shown again.'
            }
            error={errors[keyPath]}
          >
            {(f) => (
              <input
                id={f.id}
                name="apiKey"
                type="password"
                autoComplete="off"
                key={provider}
                placeholder={cred?.apiKeySet ? '•••••••• (set)' : ''}
                aria-describedby={f.describedBy}
                aria-invalid={f.invalid || undefined}
              />
            )}
          </Field>
        )}
        {cred?.unreadable.length ? (
          <p className="warning" role="status">
            The stored {cred.unreadable.includes('apiKey') ? 'key' : 'address'} was sealed with another
            SECRET_KEY (a backup restored without its secret key?) and cannot be read by this server: enter it
            again. Calls to {providerLabels[provider]} fail until then.
          </p>
        ) : null}
        <FormError error={connect.error} fields={[keyPath, urlPath]} />
        <Notice>{connect.notice}</Notice>
        <div className="actions">
          <button type="submit" disabled={connect.busy || list.busy}>
            {connect.busy ? 'Connecting…' : connected ? 'Save and choose a model' : 'Connect'}
          </button>
          {cred?.apiKeySet && (
            <button type="button" className="secondary" onClick={removeKey} disabled={connect.busy}>
              Remove key
            </button>
          )}
        </div>
      </form>
      <PickModel
        provider={provider}
        connected={connected}
        models={models}
        listing={list}
        onLoad={loadModels}
        current={providers?.roles.writer[0]}
        onSettings={onSettings}
        onChosen={onModelsChosen}
      />
    </div>
  );
}

function PickModel({
  provider,
  connected,
  models,
  listing,
  onLoad,
  current,
  onSettings,
  onChosen,
}: {
  provider: ProviderName;
  connected: boolean;
  models: ListedModel[] | undefined;
  listing: ReturnType<typeof useAction>;
  onLoad: () => void;
  current: string | undefined;
  onSettings: (s: LlmSettings) => void;
  onChosen: () => void;
}) {
  const use = useAction();
  const text = models?.filter((m) => m.kind === 'text') ?? [];
  const embedding = models?.filter((m) => m.kind === 'embedding') ?? [];
  const errors = fieldErrors(use.error);
  const typed = models !== undefined && text.length === 0;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const raw = String(form.get('model') ?? '').trim();
    const model = raw && !raw.includes(':') ? `${provider}:${raw}` : raw;
    const embedder = String(form.get('embedder') ?? '');
    const done = await use.run(async () => {
      if (!model) throw new Error('Choose a model first.');
      onSettings(
        await api('PUT', '/api/v1/llm/settings', {
          body: {
            roleModels: { planner: model, writer: model, checker: model, ...(embedder ? { embedder } : {}) },
          },
        }),
      );
      return true;
    }, `Every writing role now uses ${model}. Its test results are shown beside.`);
    if (done) onChosen();
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="pick-heading">
      <h3 id="pick-heading">2. Pick a model</h3>
      {!connected ? (
        <p className="hint">Connect a provider first; its models are listed here.</p>
      ) : models === undefined ? (
        <>
          <p className="hint">The list comes from the provider itself.</p>
          <FormError error={listing.error} fields={[]} />
          <div className="actions">
            <button type="button" className="secondary" onClick={onLoad} disabled={listing.busy}>
              {listing.busy ? 'Loading models…' : 'List the models'}
            </button>
          </div>
        </>
      ) : (
        <>
          {typed ? (
            <Field
              label="Model name"
              hint="The provider listed no models: type the name it serves the model under."
              error={errors['roleModels.writer']}
            >
              {(f) => (
                <input
                  id={f.id}
                  name="model"
                  aria-describedby={f.describedBy}
                  aria-invalid={f.invalid || undefined}
                />
              )}
            </Field>
          ) : (
            <Field
              label="Model to write with"
              hint="Used to plan, write and check. You can choose one per role below."
              error={errors['roleModels.writer']}
            >
              {(f) => (
                <select
                  id={f.id}
                  name="model"
                  defaultValue={text.some((m) => m.id === current) ? current : text[0]?.id}
                >
                  {text.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.id.slice(provider.length + 1)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {embedding.length > 0 && (
            <Field
              label="Embedding model (optional)"
              hint="For searching your knowledge library."
              error={errors['roleModels.embedder']}
            >
              {(f) => (
                <select id={f.id} name="embedder" defaultValue={embedding[0]?.id}>
                  <option value="">Keep the current one</option>
                  {embedding.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.id.slice(provider.length + 1)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <FormError error={use.error} fields={['roleModels.writer', 'roleModels.embedder']} />
          <Notice>{use.notice}</Notice>
          <div className="actions">
            <button type="submit" disabled={use.busy}>
              {use.busy ? 'Saving…' : 'Use this model'}
            </button>
          </div>
        </>
      )}
    </form>
  );
}
