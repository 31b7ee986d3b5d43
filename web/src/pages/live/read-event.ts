// One received event checked before the live view applies it. The stream replays what the server
// stored, and during a rollout (or after a rollback) another version may have stored a payload of
// another shape: applied unchecked, a missing number reached `toLocaleString` and blanked the page.
// An event whose fields are not what this version reads is skipped, as the CLI does.
import type { ArticleEventData } from '../../article-events.ts';
import type { LiveEvent, LiveEventType } from './live-events.ts';

type Kind<V> = V extends string
  ? 'string'
  : V extends number
    ? 'number'
    : V extends boolean
      ? 'boolean'
      : V extends readonly string[]
        ? 'strings'
        : never;

// Each payload field's JSON kind, `?` when it may be absent. Typed from the generated event map, so
// a field added, removed or retyped in the OpenAPI document fails the type check until this follows.
type FieldKinds<D> = {
  [K in keyof D]-?: object extends Pick<D, K> ? `${Kind<NonNullable<D[K]>>}?` : Kind<D[K]>;
};

const fieldKinds: { [T in LiveEventType]: FieldKinds<ArticleEventData<T>> } = {
  status: { status: 'string', regenerating: 'number?' },
  'step.started': { step: 'string' },
  'step.finished': {
    step: 'string',
    status: 'string',
    costUsd: 'number?',
    durationMs: 'number?',
    error: 'string?',
  },
  'source.found': {
    n: 'number',
    kind: 'string',
    title: 'string',
    url: 'string?',
    documentId: 'string?',
    page: 'number?',
    excerpt: 'string',
  },
  'section.delta': { part: 'string', index: 'number?', text: 'string' },
  'section.thinking': { part: 'string', index: 'number?', text: 'string' },
  cost: {
    step: 'string',
    inputTokens: 'number',
    outputTokens: 'number',
    costUsd: 'number',
    estimated: 'boolean?',
    costKnown: 'boolean?',
    unpricedModels: 'strings?',
  },
  error: { message: 'string', step: 'string?', code: 'string?' },
  done: { status: 'string', error: 'string?' },
};

function fits(value: unknown, kind: string): boolean {
  const optional = kind.endsWith('?');
  if (value === undefined) return optional;
  const base = optional ? kind.slice(0, -1) : kind;
  if (base === 'strings') return Array.isArray(value) && value.every((v) => typeof v === 'string');
  return base === 'number' ? Number.isFinite(value) : typeof value === base;
}

/** The event as the live view applies it, or undefined when its data is not JSON of its type's shape. */
export function readLiveEvent(type: LiveEventType, raw: string): LiveEvent | undefined {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const fields = fieldKinds[type] as Record<string, string>;
  const record = data as Record<string, unknown>;
  for (const [name, kind] of Object.entries(fields)) if (!fits(record[name], kind)) return undefined;
  return { type, data } as LiveEvent;
}
