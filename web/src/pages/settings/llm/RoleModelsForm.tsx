// One model per role, for admins who want different models for planning, writing and checking.
import type { FormEvent } from 'react';
import { api, fieldErrors, type LlmProviders, type LlmSettings, llmRoles } from '../../../api.ts';
import { Field, FormError, Notice, useAction } from '../../../ui.tsx';
import { roleHints } from './providers.ts';

export function RoleModelsForm({
  settings,
  providers,
  onSettings,
}: {
  settings: LlmSettings;
  providers: LlmProviders | undefined;
  onSettings: (s: LlmSettings) => void;
}) {
  const save = useAction();
  const errors = fieldErrors(save.error);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const roleModels = Object.fromEntries(llmRoles.map((r) => [r, String(form.get(r) ?? '').trim() || null]));
    void save.run(
      async () => onSettings(await api('PUT', '/api/v1/llm/settings', { body: { roleModels } })),
      'Models saved.',
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="models-heading">
      <h3 id="models-heading">Model per role</h3>
      <p className="hint">
        Written as provider:model, e.g. openai:gpt-4o-mini or compatible:qwen3. Leave a role empty to use the
        model shown in grey (the first model of the server's configuration, if there is one).
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
              key={settings.roleModels[role] ?? ''}
              defaultValue={settings.roleModels[role] ?? ''}
              placeholder={providers?.roles[role][0] ?? 'none yet'}
              aria-describedby={f.describedBy}
              aria-invalid={f.invalid || undefined}
            />
          )}
        </Field>
      ))}
      <FormError error={save.error} fields={llmRoles.map((r) => `roleModels.${r}`)} />
      <Notice>{save.notice}</Notice>
      <div className="actions">
        <button type="submit" disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Save models'}
        </button>
      </div>
    </form>
  );
}
