// What a step was given and what it stored, loaded when the reader opens it: a section's text, the
// fact check's claims and the gathered sources are tens of kilobytes no reader needs up front.
import { useState } from 'react';
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

export function StepData({ articleId, step, label }: { articleId: string; step: string; label: string }) {
  const [data, setData] = useState<StepDetail>();
  const [error, setError] = useState<unknown>();
  const load = (open: boolean) => {
    if (!open || data) return;
    setError(undefined);
    api('GET', '/api/v1/articles/{id}/steps/{step}', { params: { id: articleId, step } }).then(
      setData,
      setError,
    );
  };
  return (
    <details className="step-data" onToggle={(e) => load(e.currentTarget.open)}>
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
