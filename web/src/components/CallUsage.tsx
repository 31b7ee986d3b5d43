// What one tool or remix call used, under its result: the model, tokens and cost.
import { costText } from './prices.ts';

export interface CallUsageView {
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  costKnown: boolean;
  estimated: boolean;
}

export function CallUsage({ usage }: { usage: CallUsageView }) {
  return (
    <p className="meta" data-testid="call-usage">
      {usage.model} · {usage.inputTokens} tokens in, {usage.outputTokens} out
      {usage.estimated ? ' (estimated: the model reported no usage)' : ''} ·{' '}
      {costText(usage.costUsd ?? 0, usage.costKnown)}
    </p>
  );
}
