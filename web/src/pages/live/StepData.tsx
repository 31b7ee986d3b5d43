// What a step was given and what it stored, loaded when the reader opens it (a section's text, the
// fact check's claims and the gathered sources are tens of kilobytes no reader needs up front), and
// again while it is open whenever the step's status changes.
import { useEffect, useState } from 'react';
import { api, type StepDetail } from '../../api.ts';
import { ErrorBox } from '../../ui.tsx';

const shown = (value: unknown) =>
  value === null || value === undefined
    ? 'Nothing stored.'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value, null, 2);

function Stored({
  title,
  label,
  testId,
  value,
}: {
  title: string;
  label: string;
  testId: string;
  value: unknown;
}) {
  return (
    <>
      <h3>{title}</h3>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a long value scrolls; the keyboard must reach it (axe: scrollable-region-focusable) */}
      <section className="step-json" tabIndex={0} aria-label={`${title} of ${label}`}>
        <pre data-testid={testId}>{shown(value)}</pre>
      </section>
    </>
  );
}

export function StepData({
  articleId,
  step,
  label,
  status,
}: {
  articleId: string;
  step: string;
  label: string;
  /** The step's status now: what is shown is read again when it changes (a running step finishing). */
  status: string;
}) {
  const [open, setOpen] = useState(false);
  const [data, setData] = useState<StepDetail>();
  const [error, setError] = useState<unknown>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: read again when the step's status changes
  useEffect(() => {
    if (!open) return;
    let current = true;
    setError(undefined);
    api('GET', '/api/v1/articles/{id}/steps/{step}', { params: { id: articleId, step } }).then(
      (d) => current && setData(d),
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [open, articleId, step, status]);
  return (
    <details className="step-data" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Input and output<span className="sr-only"> of {label}</span>
      </summary>
      {error ? (
        <ErrorBox error={error} />
      ) : !data ? (
        <p className="meta">Loading…</p>
      ) : (
        <>
          <Stored title="Input" label={label} testId="step-input" value={data.input} />
          <Stored title="Output" label={label} testId="step-output" value={data.output} />
        </>
      )}
    </details>
  );
}
