// Map keys built once instead of per call. Several lookups a gateway call makes were keyed by a
// string built for the call (`scope\0provider:model`, `provider:model`); building it and hashing
// the fresh string in each map was a measurable share of the gateway's own CPU per call (issue 13,
// item 1). A kept string carries its hash.
import type { ModelRef } from './model-ref.ts';

const scoped = new WeakMap<ModelRef, { scope: string; id: string; key: string }>();

/**
 * `scope\0provider:model`: the key of a model's per-credential-scope state (breakers, provider
 * clients, context windows). A ref keeps the key of the scope it was last used with (a ref belongs
 * to one setup, so in practice to one scope).
 */
export function scopedKey(scope: string, ref: ModelRef): string {
  const known = scoped.get(ref);
  if (known !== undefined && known.scope === scope && known.id === ref.id) return known.key;
  const key = `${scope}\u0000${ref.id}`;
  scoped.set(ref, { scope, id: ref.id, key });
  return key;
}

// Pairs are configured models, so few; model names a workspace's settings name are its members'
// input, so the kept strings are bounded all the same (dropped all at once past this many).
const maxPairs = 1024;

/** `a:b` for any pair, each pair's string built once. */
export function pairKeys(): (a: string, b: string) => string {
  const keys = new Map<string, Map<string, string>>();
  let count = 0;
  return (a, b) => {
    let byB = keys.get(a);
    if (!byB) {
      byB = new Map();
      keys.set(a, byB);
    }
    let key = byB.get(b);
    if (key === undefined) {
      key = `${a}:${b}`;
      if (++count > maxPairs) {
        keys.clear();
        count = 1;
        byB = new Map();
        keys.set(a, byB);
      }
      byB.set(b, key);
    }
    return key;
  };
}
