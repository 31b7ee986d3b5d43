// The price of each model in use, and which ones have none (their use is not counted anywhere).
// A price an admin entered can be removed here; ModelPriceForm sets one.
import { type Json, usd } from '../../../api.ts';

export type ModelPrice = Json<'/api/v1/llm/prices', 'GET'>['items'][number];

// `provider:model` may wrap after the colon, not inside a name ("compatible:fa / ke-chat").
const modelParts = (id: string) => {
  const colon = id.indexOf(':');
  return colon < 0 ? (
    id
  ) : (
    <>
      {id.slice(0, colon + 1)}
      <wbr />
      {id.slice(colon + 1)}
    </>
  );
};

const sourceLabel = (p: ModelPrice) =>
  p.source === 'workspace' ? 'your price' : p.source === 'default' ? 'list price' : 'price unknown';

export function PricesTable({
  items,
  onRemove,
  busy,
}: {
  items: ModelPrice[];
  /** Removes the workspace's own price of the model. */
  onRemove?: (model: string) => void;
  busy?: boolean;
}) {
  if (items.length === 0) return null;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than a phone scrolls; the keyboard must reach it
    <section className="table-wrap" tabIndex={0} aria-label="Model prices">
      <table>
        <caption className="sr-only">Price of each model in use, USD per million tokens</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Input / 1M tokens</th>
            <th scope="col">Output / 1M tokens</th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {items.map((p) => (
            <tr key={p.model} data-price={p.model}>
              <td className="break model-name">
                {modelParts(p.model)}
                {p.roles.length === 0 && <span className="meta"> (not in use)</span>}
              </td>
              {p.inputPerMillionUsd === null ? (
                <td colSpan={2}>price unknown</td>
              ) : (
                <>
                  <td>{usd(p.inputPerMillionUsd)}</td>
                  <td>{usd(p.outputPerMillionUsd ?? 0)}</td>
                </>
              )}
              <td>
                {sourceLabel(p)}
                {p.source === 'workspace' && onRemove && (
                  <>
                    {' '}
                    <button
                      type="button"
                      className="link"
                      disabled={busy}
                      aria-label={`Remove the price of ${p.model}`}
                      onClick={() => onRemove(p.model)}
                    >
                      Remove
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
