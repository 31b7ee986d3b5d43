// Settings › Language models (admins): the guided connect, the resulting role chains and their
// test, then per-role models and the budget for those who want more control.
import { api } from '../../../api.ts';
import { Empty, ErrorBox, FormError, Loading, Notice, useAction, useLoad } from '../../../ui.tsx';
import { BudgetForm } from './BudgetForm.tsx';
import { ConnectProvider } from './ConnectProvider.tsx';
import { ModelPriceForm } from './ModelPriceForm.tsx';
import { ModelTest, useModelTest } from './ModelTest.tsx';
import { PricesTable } from './PricesTable.tsx';
import { RoleChains } from './RoleChains.tsx';
import { RoleModelsForm } from './RoleModelsForm.tsx';

export function LlmSection() {
  const settings = useLoad(() => api('GET', '/api/v1/llm/settings'), []);
  const providers = useLoad(() => api('GET', '/api/v1/llm/providers'), []);
  const test = useModelTest();
  const chains = JSON.stringify(providers.data?.roles ?? null);
  const ownPrices = JSON.stringify(settings.data?.modelPrices ?? null);
  const prices = useLoad(() => api('GET', '/api/v1/llm/prices'), [chains, ownPrices]);
  const removePrice = useAction();
  const priceItems = prices.data?.items ?? [];
  const unpriced = priceItems.filter((p) => p.inputPerMillionUsd === null).map((p) => p.model);

  if (settings.loading && !settings.data) return <Loading />;
  if (settings.error || !settings.data) return <ErrorBox error={settings.error} />;
  const onSettings = (next: typeof settings.data) => {
    settings.setData(next);
    void providers.reload();
  };
  const connected = providers.data?.providers.filter((p) => p.configured) ?? [];
  const remove = (model: string) =>
    void removePrice.run(
      async () =>
        onSettings(await api('PUT', '/api/v1/llm/settings', { body: { modelPrices: { [model]: null } } })),
      `Price of ${model} removed.`,
    );

  return (
    <section className="card" aria-labelledby="llm-heading" id="models">
      <h2 id="llm-heading">Language models</h2>
      <div className="grid-2">
        <ConnectProvider
          settings={settings.data}
          providers={providers.data}
          onSettings={onSettings}
          onModelsChosen={() => void test.run()}
        />
        <div>
          <h3>Models in use</h3>
          {!providers.data ? (
            <Loading />
          ) : (
            <>
              {connected.length === 0 ? (
                <Empty>No provider yet: connect one to generate articles.</Empty>
              ) : (
                <p className="meta">
                  Connected:{' '}
                  {connected
                    .map((p) => `${p.name}${p.source === 'environment' ? ' (server configuration)' : ''}`)
                    .join(', ')}
                </p>
              )}
              <RoleChains data={providers.data} />
            </>
          )}
          <ModelTest test={test} />
          <h3>Prices</h3>
          <PricesTable items={priceItems} onRemove={remove} busy={removePrice.busy} />
          <FormError error={removePrice.error} fields={[]} />
          <Notice>{removePrice.notice}</Notice>
          <ModelPriceForm items={priceItems} onSettings={onSettings} />
        </div>
      </div>
      <details className="advanced">
        <summary>More control: a model per role, monthly budget</summary>
        <div className="grid-2">
          <RoleModelsForm settings={settings.data} providers={providers.data} onSettings={onSettings} />
          <BudgetForm settings={settings.data} unpriced={unpriced} onSettings={onSettings} />
        </div>
      </details>
    </section>
  );
}
