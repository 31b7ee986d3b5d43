// One grouping of the workspace's LLM usage (`GET /api/v1/usage`) as a table: calls, tokens and
// cost per row, calls without a price said so rather than counted as free.
import { type UsageRow, usd } from '../api.ts';

export function UsageTable({
  caption,
  keyLabel,
  rows,
}: {
  caption: string;
  keyLabel: string;
  rows: UsageRow[];
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{keyLabel}</th>
            <th scope="col">Calls</th>
            <th scope="col">Cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <td className="break">
                {row.key}
                <span className="meta block">
                  {row.inputTokens.toLocaleString()} in / {row.outputTokens.toLocaleString()} out tokens
                  {row.estimatedCalls ? ` (${row.estimatedCalls} calls estimated)` : ''}
                </span>
              </td>
              <td>{row.calls}</td>
              <td>
                {row.unknownCostCalls === row.calls && row.calls > 0 ? 'price unknown' : usd(row.costUsd)}
                {row.unknownCostCalls > 0 && row.unknownCostCalls < row.calls && (
                  <span className="meta"> (+{row.unknownCostCalls} calls without a price)</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
