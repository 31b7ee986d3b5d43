// Every branch of the chain's decision after a failed attempt.
import { describe, expect, it } from 'vitest';
import {
  type ChainFailure,
  decideNext,
  type ModelState,
  maxShrinks,
  type NextStep,
} from '../../src/llm/decide-next.ts';

const reliability = { maxRetries: 2, maxRetryAfterMs: 60_000 };
const fresh: ModelState = { retries: 0, repaired: false, shrinks: 0, hasNext: true };

type Row = [string, Pick<ChainFailure, 'kind' | 'retryAfterMs'>, Partial<ModelState>, NextStep];

const retry: NextStep = { action: 'retry' };
const fallback: NextStep = { action: 'fallback' };
const exhausted: NextStep = { action: 'stop', fatal: false };

const table: Row[] = [
  ['fatal stops the whole call', { kind: 'fatal' }, {}, { action: 'stop', fatal: true }],
  [
    'fatal stops the whole call on the last model too',
    { kind: 'fatal' },
    { hasNext: false },
    { action: 'stop', fatal: true },
  ],
  ['a retryable failure is retried', { kind: 'retryable' }, {}, retry],
  ['a timeout is retried', { kind: 'timeout' }, { retries: 1 }, retry],
  ['a short Retry-After is waited for', { kind: 'retryable', retryAfterMs: 60_000 }, {}, retry],
  ['a long Retry-After falls back', { kind: 'retryable', retryAfterMs: 60_001 }, {}, fallback],
  [
    'a long Retry-After on the last model stops',
    { kind: 'retryable', retryAfterMs: 90_000 },
    { hasNext: false },
    exhausted,
  ],
  ['retries used up fall back', { kind: 'retryable' }, { retries: 2 }, fallback],
  ['timeouts with retries used up fall back', { kind: 'timeout' }, { retries: 2 }, fallback],
  ['retries used up on the last model stop', { kind: 'timeout' }, { retries: 2, hasNext: false }, exhausted],
  ['a too-long prompt falls back at once', { kind: 'context_length' }, {}, fallback],
  ['our own rate limit falls back at once', { kind: 'rate_limited' }, {}, fallback],
  ['a provider without credentials falls back at once', { kind: 'not_configured' }, {}, fallback],
  [
    'a fall-back-at-once failure on the last model stops',
    { kind: 'not_configured' },
    { hasNext: false },
    exhausted,
  ],
  ['invalid output gets one repair', { kind: 'invalid_output' }, {}, { action: 'repair' }],
  [
    'invalid output gets its repair on the last model too',
    { kind: 'invalid_output' },
    { hasNext: false },
    { action: 'repair' },
  ],
  ['invalid output after the repair falls back', { kind: 'invalid_output' }, { repaired: true }, fallback],
  [
    'invalid output after the repair on the last model stops',
    { kind: 'invalid_output' },
    { repaired: true, hasNext: false },
    exhausted,
  ],
  [
    'an unsupported rung asks the same model a rung lower',
    { kind: 'output_rung' },
    { repaired: true, retries: 2 },
    { action: 'rung' },
  ],
  [
    'a shrunk prompt asks the same model again',
    { kind: 'prompt_shrunk' },
    { shrinks: maxShrinks - 1 },
    { action: 'rung' },
  ],
  ['shrinks used up fall back', { kind: 'prompt_shrunk' }, { shrinks: maxShrinks }, fallback],
  [
    'shrinks used up on the last model stop',
    { kind: 'prompt_shrunk' },
    { shrinks: maxShrinks, hasNext: false },
    exhausted,
  ],
];

describe('decideNext', () => {
  it.each(table)('%s', (_name, failure, state, expected) => {
    expect(decideNext(failure, { ...fresh, ...state }, reliability)).toEqual(expected);
  });

  it('covers every failure kind the chain acts on', () => {
    const kinds = new Set(table.map(([, f]) => f.kind));
    expect([...kinds].sort()).toEqual(
      [
        'context_length',
        'fatal',
        'invalid_output',
        'not_configured',
        'output_rung',
        'prompt_shrunk',
        'rate_limited',
        'retryable',
        'timeout',
      ].sort(),
    );
  });
});
