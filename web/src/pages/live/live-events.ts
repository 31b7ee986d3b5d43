// The article event stream as state: one reducer per event type, nothing else. Payloads are typed
// from the generated OpenAPI event map (web/src/article-events.ts), never retyped here.
import type { Source, Step } from '../../api.ts';
import type { ArticleEventData, ArticleEventType } from '../../article-events.ts';

export interface LiveState {
  status: string;
  steps: Step[];
  parts: Map<string, string>;
  sources: Source[];
  costUsd: number;
  /** False once a call of a model without a price is in the run: its cost is not in `costUsd`. */
  costKnown: boolean;
  tokens: { input: number; output: number };
  /** The server reported no usage: the counts are a tokenizer's estimate. */
  estimated: boolean;
  /** The latest reasoning of a reasoning model (never part of the article). */
  thinking: string;
  error: string | null;
  done: boolean;
  /** Characters of article text received, with when (ms since epoch): the writing pace. */
  written: Array<{ at: number; chars: number }>;
}

export const initialLive = (): LiveState => ({
  status: 'queued',
  steps: [],
  parts: new Map(),
  sources: [],
  costUsd: 0,
  costKnown: true,
  tokens: { input: 0, output: 0 },
  estimated: false,
  thinking: '',
  error: null,
  done: false,
  written: [],
});

export const finished = (s: string): s is 'completed' | 'failed' | 'cancelled' =>
  s === 'completed' || s === 'failed' || s === 'cancelled';

// A step not run yet: first seen in the event stream, or planned before it runs.
export const pendingStep = (name: string): Step => ({
  name,
  status: 'pending',
  attempts: 0,
  error: null,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  usageEstimated: false,
  outputRungs: [],
  unpricedModels: [],
  startedAt: null,
  finishedAt: null,
});

export function upsertStep(steps: Step[], name: string, patch: Partial<Step>): Step[] {
  const i = steps.findIndex((s) => s.name === name);
  if (i === -1) return [...steps, { ...pendingStep(name), ...patch }];
  const next = [...steps];
  next[i] = { ...next[i]!, ...patch };
  return next;
}

export const eventTypes = [
  'status',
  'step.started',
  'step.finished',
  'source.found',
  'section.delta',
  'section.thinking',
  'cost',
  'error',
  'done',
] as const satisfies readonly ArticleEventType[];
export type LiveEventType = (typeof eventTypes)[number];

/** One streamed event with its payload, typed from the OpenAPI document's event map. */
export type LiveEvent = { [T in LiveEventType]: { type: T; data: ArticleEventData<T> } }[LiveEventType];

/** The state after one event; `at` is when it arrived (for the writing pace). */
export function applyEvent(s: LiveState, event: LiveEvent, at = Date.now()): LiveState {
  switch (event.type) {
    case 'status': {
      const d = event.data;
      // A section regeneration rewrites that part from scratch.
      if (typeof d.regenerating !== 'number') return { ...s, status: d.status };
      const parts = new Map(s.parts);
      parts.delete(`section:${d.regenerating}`);
      return { ...s, status: d.status, parts, done: false };
    }
    case 'step.started':
      return { ...s, status: 'running', steps: upsertStep(s.steps, event.data.step, { status: 'running' }) };
    case 'step.finished':
      return {
        ...s,
        steps: upsertStep(s.steps, event.data.step, {
          status: event.data.status,
          costUsd: event.data.costUsd ?? 0,
        }),
      };
    case 'source.found': {
      const source = event.data as Source;
      if (s.sources.some((x) => x.n === source.n)) return s;
      return { ...s, sources: [...s.sources, source].sort((a, b) => a.n - b.n) };
    }
    case 'section.delta': {
      const d = event.data;
      const part = d.part ?? (d.index !== undefined ? `section:${d.index}` : 'body');
      const parts = new Map(s.parts);
      parts.set(part, (parts.get(part) ?? '') + d.text);
      return { ...s, parts, written: [...s.written.slice(-199), { at, chars: d.text.length }] };
    }
    case 'section.thinking':
      return { ...s, thinking: (s.thinking + event.data.text).slice(-400) };
    case 'cost':
      return {
        ...s,
        costUsd: event.data.costUsd,
        // Said only when some cost is unknown; the run's total so far, so the latest event decides.
        costKnown: event.data.costKnown !== false,
        tokens: { input: event.data.inputTokens, output: event.data.outputTokens },
        estimated: s.estimated || event.data.estimated === true,
      };
    case 'error':
      return { ...s, error: event.data.message || 'The generation failed' };
    case 'done':
      return { ...s, status: event.data.status, done: true };
  }
}

/**
 * Writing pace over the last `windowMs` of text deltas: tokens per second (≈ 4 characters a
 * token) and the seconds left to reach `targetWords` at that pace. Null when there is too little to tell.
 */
export function pace(
  s: LiveState,
  targetWords: number,
  now = Date.now(),
  windowMs = 15_000,
): { tokensPerSecond: number; secondsLeft: number } | null {
  const recent = s.written.filter((w) => now - w.at <= windowMs);
  if (recent.length < 3) return null;
  const seconds = Math.max((now - recent[0]!.at) / 1000, 1);
  const chars = recent.reduce((n, w) => n + w.chars, 0);
  const wordsWritten = [...s.parts.values()].join(' ').split(/\s+/).filter(Boolean).length;
  const wordsPerSecond = chars / 6 / seconds;
  return {
    tokensPerSecond: chars / 4 / seconds,
    secondsLeft: wordsPerSecond > 0 ? Math.max(0, (targetWords - wordsWritten) / wordsPerSecond) : 0,
  };
}
