// "About 3–5 minutes, $0.02–$0.04" under Generate: POST /articles/estimate for the brief as typed,
// debounced, so a writer sees what a run costs before starting it. Says "price unknown" for a model
// without a price rather than a $0.00 that is not true.
import { useEffect, useRef, useState } from 'react';
import type { paths } from '../api/schema.d.ts';
import { api, usd } from '../api.ts';

type Brief = paths['/api/v1/articles/estimate']['post']['requestBody']['content']['application/json'];
type Estimate = Awaited<ReturnType<typeof requestEstimate>>;
const requestEstimate = (brief: Brief) => api('POST', '/api/v1/articles/estimate', { body: brief });

const debounceMs = 500;

const minutesText = ({ low, high }: { low: number; high: number }) =>
  low === high ? `About ${low} minute${low === 1 ? '' : 's'}` : `About ${low}–${high} minutes`;

/** Cents are the precision a writer needs; a fraction of a cent is "under $0.01". */
const moneyText = ({ low, high }: { low: number; high: number }) => {
  // A model an admin priced at zero (a local one) is free; an unpriced one never gets here.
  if (high === 0) return usd(0);
  if (high < 0.01) return 'under $0.01';
  const lo = Math.floor(low * 100) / 100;
  const hi = Math.ceil(high * 100) / 100;
  return lo === hi ? usd(hi) : `${lo < 0.01 ? 'under $0.01' : usd(lo)}–${usd(hi)}`;
};

export function estimateText(e: Pick<Estimate, 'minutes' | 'costUsd'>): string {
  return `${minutesText(e.minutes)}, ${e.costUsd ? moneyText(e.costUsd) : 'price unknown'}`;
}

/** The estimate of `brief` (null: nothing to estimate yet); a brief the API refuses shows nothing. */
function useEstimate(brief: Brief | null): Estimate | null {
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const latest = useRef(0);
  const key = brief === null ? null : JSON.stringify(brief);
  useEffect(() => {
    const asked = ++latest.current;
    if (key === null) {
      setEstimate(null);
      return;
    }
    const timer = setTimeout(() => {
      requestEstimate(JSON.parse(key) as Brief).then(
        // Only the answer to the newest brief is shown: an older one may arrive last.
        (e) => asked === latest.current && setEstimate(e),
        () => asked === latest.current && setEstimate(null),
      );
    }, debounceMs);
    return () => clearTimeout(timer);
  }, [key]);
  return estimate;
}

export function CostEstimate({ brief }: { brief: Brief | null }) {
  const estimate = useEstimate(brief);
  // Live region: the estimate follows the brief as it is edited.
  return (
    <p className="hint" aria-live="polite" data-testid="estimate">
      {estimate && (
        <>
          {estimateText(estimate)}{' '}
          {estimate.basis === 'history'
            ? `(from your last ${estimate.articlesUsed} article${estimate.articlesUsed === 1 ? '' : 's'})`
            : '(a first guess)'}
        </>
      )}
    </p>
  );
}
