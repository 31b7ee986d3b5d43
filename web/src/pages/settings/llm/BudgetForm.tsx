// The monthly budget. It can only count what has a price, and refuses the calls of a model with
// none: say so when a model has none.
import type { FormEvent } from 'react';
import { api, fieldErrors, type LlmSettings } from '../../../api.ts';
import { Field, FormError, Notice, useAction } from '../../../ui.tsx';

export function BudgetForm({
  settings,
  unpriced,
  onSettings,
}: {
  settings: LlmSettings;
  /** Models in use without a known price. */
  unpriced: string[];
  onSettings: (s: LlmSettings) => void;
}) {
  const save = useAction();
  const errors = fieldErrors(save.error);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = String(new FormData(e.currentTarget).get('budget') ?? '').trim();
    void save.run(
      async () =>
        onSettings(
          await api('PUT', '/api/v1/llm/settings', { body: { monthlyBudgetUsd: v ? Number(v) : null } }),
        ),
      'Budget saved.',
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="budget-heading">
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
            defaultValue={settings.monthlyBudgetUsd ?? ''}
            aria-describedby={f.describedBy}
            aria-invalid={f.invalid || undefined}
          />
        )}
      </Field>
      {unpriced.length > 0 && (
        <p className="warning" data-testid="unpriced-warning">
          No price is known for {unpriced.join(', ')}: the budget cannot count its calls, so while there is a
          budget a text model's are refused (an embedder's run, uncounted). Set a price for it under Prices (0
          for a free local model).
        </p>
      )}
      <FormError error={save.error} fields={['monthlyBudgetUsd']} />
      <Notice>{save.notice}</Notice>
      <div className="actions">
        <button type="submit" disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Save budget'}
        </button>
      </div>
    </form>
  );
}
