// The price of each model in use, and which ones have none (their use is not counted anywhere).
import { type Json, usd } from '../../../api.ts';

export type ModelPrice = Json<'/api/v1/llm/prices', 'GET'>['items'][number];

export function PricesTable({ items }: { items: ModelPrice[] }) {
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
          </tr>
        </thead>
        <tbody>
          {items.map((p) => (
            <tr key={p.model} data-price={p.model}>
              <td className="break">{p.model}</td>
              {p.inputPerMillionUsd === null ? (
                <td colSpan={2}>price unknown</td>
              ) : (
                <>
                  <td>{usd(p.inputPerMillionUsd)}</td>
                  <td>{usd(p.outputPerMillionUsd ?? 0)}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
