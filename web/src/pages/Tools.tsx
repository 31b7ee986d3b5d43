// Tools: short-form writing with the workspace's model — pick a template, fill the form it lists,
// and get variants to adjust and copy, each with its length against the platform's limit. Variants
// appear as the model writes them (Server-Sent Events); Stop, or leaving the page, cancels the call.
import { useEffect, useRef, useState } from 'react';
import { ApiError, api, fieldErrors, type Json } from '../api.ts';
import { CallUsage } from '../components/CallUsage.tsx';
import { ConnectModelBanner, useModelReadiness } from '../components/ConnectModelBanner.tsx';
import { CopyableText } from '../components/CopyableText.tsx';
import { streamModelCall } from '../model-stream.ts';
import { navigate, useLocation } from '../router.tsx';
import { ErrorBox, FormError, Loading, useLoad, usePageTitle } from '../ui.tsx';
import { ToolForm, type ToolTemplate } from './tools/ToolForm.tsx';

type ToolResult = Json<'/api/v1/tools/social-post/generate', 'POST'>;

const categoryNames: Record<ToolTemplate['category'], string> = {
  social: 'Social',
  email: 'Email',
  ads: 'Ads',
  seo: 'SEO',
  editing: 'Editing',
};

/** What of the variants is written so far (unvalidated JSON from the model). */
function partialTexts(partial: unknown): string[] {
  const variants = (partial as { variants?: unknown } | null)?.variants;
  if (!Array.isArray(variants)) return [];
  return variants.map((v) =>
    v && typeof v === 'object'
      ? Object.values(v as Record<string, unknown>)
          .filter((x): x is string => typeof x === 'string')
          .join('\n')
      : '',
  );
}

export function Tools({ canWrite }: { canWrite: boolean }) {
  usePageTitle('Tools');
  const templates = useLoad(() => api('GET', '/api/v1/tools'), []);
  const models = useModelReadiness();
  const { query } = useLocation();
  const items = templates.data?.items ?? [];
  const template = items.find((t) => t.id === query.get('tool')) ?? items[0];

  return (
    <>
      <h1>Tools</h1>
      <p>
        Short pieces written with your workspace’s model: posts, e-mails, ads, titles, and edits of a passage.
      </p>
      {models.ready === false && <ConnectModelBanner />}
      {templates.loading && !templates.data ? (
        <Loading label="Loading tools…" />
      ) : templates.error ? (
        <ErrorBox error={templates.error} />
      ) : template ? (
        <div className="tools-layout">
          <nav aria-label="Tool templates" className="card tool-picker">
            {(Object.keys(categoryNames) as Array<ToolTemplate['category']>).map((category) => {
              const inCategory = items.filter((t) => t.category === category);
              if (inCategory.length === 0) return null;
              return (
                <div key={category}>
                  <h2 className="picker-heading">{categoryNames[category]}</h2>
                  <ul className="tool-list">
                    {inCategory.map((t) => (
                      <li key={t.id}>
                        <button
                          type="button"
                          className="tab"
                          aria-pressed={t.id === template.id}
                          onClick={() => navigate(`/tools?tool=${t.id}`, { replace: true })}
                        >
                          {t.name}
                        </button>
                      </li>
                    ))}
                  </ul>
                </div>
              );
            })}
          </nav>
          <ToolRun key={template.id} template={template} canWrite={canWrite} />
        </div>
      ) : null}
    </>
  );
}

function ToolRun({ template, canWrite }: { template: ToolTemplate; canWrite: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [partial, setPartial] = useState<string[]>([]);
  const [result, setResult] = useState<ToolResult>();
  const running = useRef<AbortController | null>(null);
  // Leaving the page (or the template) closes the request: the server cancels the model call.
  useEffect(() => () => running.current?.abort(), []);

  const generate = async (body: Record<string, unknown>) => {
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    setBusy(true);
    setError(undefined);
    setPartial([]);
    try {
      const answer = await streamModelCall<ToolResult>(
        `/api/v1/tools/${encodeURIComponent(template.id)}/generate`,
        body,
        {
          signal: controller.signal,
          onPartial: (p) => setPartial(partialTexts(p)),
        },
      );
      setResult(answer);
    } catch (e) {
      if (!controller.signal.aborted) setError(e);
    } finally {
      if (running.current === controller) {
        running.current = null;
        setBusy(false);
        setPartial([]);
      }
    }
  };
  const stop = () => {
    running.current?.abort();
    running.current = null;
    setBusy(false);
    setPartial([]);
  };

  // After a refusal, the first field it names takes the focus.
  useEffect(() => {
    if (error instanceof ApiError && error.code === 'validation_error')
      document.querySelector<HTMLElement>('form [aria-invalid="true"]')?.focus();
  }, [error]);

  const errors = fieldErrors(error);
  const labels = new Map(template.output.map((o) => [o.name, o.label]));
  const limits = new Map((result?.limits ?? []).map((l) => [l.field, { max: l.max, unit: l.unit }]));

  return (
    <section aria-labelledby="tool-heading" className="tool-run">
      <h2 id="tool-heading">{template.name}</h2>
      <p className="hint">{template.description}</p>
      {canWrite ? (
        <ToolForm
          template={template}
          errors={errors}
          busy={busy}
          onSubmit={(body) => void generate(body)}
          onStop={stop}
        />
      ) : (
        <p className="notice">Viewers can see the tools; editors and above run them.</p>
      )}
      <FormError error={error} fields={template.fields.map((f) => f.name)} />
      {busy && (
        <div className="card" aria-live="polite" data-testid="tool-progress">
          <p className="loading">
            <span className="spinner" aria-hidden="true" /> Writing
            {partial.length > 0 ? ` — ${partial.length} so far` : '…'}
          </p>
          {partial.map((text, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a variant being written is known by its place alone
            <p key={i} className="partial-text">
              {text}
            </p>
          ))}
        </div>
      )}
      {result && !busy && (
        <section aria-label="Results" className="tool-results">
          {result.variants.map((variant, i) => (
            <article
              // biome-ignore lint/suspicious/noArrayIndexKey: "Version 2" is its place; a new answer replaces them all
              key={i}
              className="card variant"
              aria-label={`Version ${i + 1}`}
            >
              <h3>Version {i + 1}</h3>
              {Object.entries(variant).map(([field, text]) => (
                <CopyableText
                  key={field}
                  id={`variant-${i}-${field}`}
                  label={labels.get(field) ?? field}
                  value={text}
                  limit={limits.get(field)}
                />
              ))}
              {result.repairs
                .filter((r) => r.index === i)
                .map((r) => (
                  <p key={r.field} className="hint">
                    {labels.get(r.field) ?? r.field}: {r.message}.
                  </p>
                ))}
            </article>
          ))}
          <CallUsage usage={result.usage} />
        </section>
      )}
    </section>
  );
}
