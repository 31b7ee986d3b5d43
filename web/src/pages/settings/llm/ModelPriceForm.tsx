// An admin's price for a model (USD per 1M input and output tokens): a local or OpenAI-compatible
// model has no list price, and without one its cost is unknown and a budget refuses its calls.
import { type FormEvent, useState } from 'react';
import { api, fieldErrors, type LlmSettings } from '../../../api.ts';
import { Field, FormError, Notice, TextField, useAction } from '../../../ui.tsx';
import type { ModelPrice } from './PricesTable.tsx';

/** The first error the server gave for `rate` of any model, e.g. `modelPrices.compatible:x.input`. */
function rateError(errors: Record<string, string>, rate: 'input' | 'output') {
  const key = Object.keys(errors).find((k) => k.startsWith('modelPrices.') && k.endsWith(`.${rate}`));
  return key ? errors[key] : undefined;
}

export function ModelPriceForm({
  items,
  onSettings,
}: {
  items: ModelPrice[];
  onSettings: (s: LlmSettings) => void;
}) {
  const save = useAction();
  const errors = fieldErrors(save.error);
  // The writer's pick, else the first model without a price (the list loads after the form).
  const [picked, setModel] = useState('');
  const model = items.some((p) => p.model === picked)
    ? picked
    : ((items.find((p) => p.source === null) ?? items[0])?.model ?? '');
  const chosen = items.find((p) => p.model === model);
  if (items.length === 0) return null;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const rate = (name: string) => {
      const v = String(form.get(name) ?? '').trim();
      // Sent as typed: the server names an empty or impossible value next to its field.
      return v === '' ? Number.NaN : Number(v);
    };
    const price = { input: rate('input'), output: rate('output') };
    void save.run(async () => {
      if (!Number.isFinite(price.input) || !Number.isFinite(price.output))
        throw new Error('Enter both prices as numbers (0 for a free model).');
      onSettings(await api('PUT', '/api/v1/llm/settings', { body: { modelPrices: { [model]: price } } }));
    }, `Price of ${model} saved.`);
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="model-price-heading">
      <h3 id="model-price-heading">Set a model's price</h3>
      <p className="hint">
        USD per million tokens, as your provider bills them. Your price replaces the list price; 0 counts the
        model as free (a local model).
      </p>
      <Field label="Model" error={errors.modelPrices}>
        {(f) => (
          <select
            id={f.id}
            name="model"
            value={model}
            onChange={(e) => setModel(e.target.value)}
            aria-describedby={f.describedBy}
          >
            {items.map((p) => (
              <option key={p.model} value={p.model}>
                {p.model}
                {p.source === null ? ' (price unknown)' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="grid-2" key={model}>
        <TextField
          label="Input, USD per 1M tokens"
          error={rateError(errors, 'input')}
          name="input"
          type="number"
          min={0}
          step="any"
          inputMode="decimal"
          required
          defaultValue={chosen?.inputPerMillionUsd ?? ''}
        />
        <TextField
          label="Output, USD per 1M tokens"
          error={rateError(errors, 'output')}
          name="output"
          type="number"
          min={0}
          step="any"
          inputMode="decimal"
          required
          defaultValue={chosen?.outputPerMillionUsd ?? ''}
        />
      </div>
      <FormError
        error={save.error}
        fields={Object.keys(errors).filter((k) => k === 'modelPrices' || k.startsWith('modelPrices.'))}
      />
      <Notice>{save.notice}</Notice>
      <div className="actions">
        <button type="submit" disabled={save.busy || !model}>
          {save.busy ? 'Saving…' : 'Save price'}
        </button>
      </div>
    </form>
  );
}
