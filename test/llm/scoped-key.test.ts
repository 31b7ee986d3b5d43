import { describe, expect, it } from 'vitest';
import type { ModelRef } from '../../src/llm/model-ref.ts';
import { pairKeys, scopedKey } from '../../src/llm/scoped-key.ts';

describe('kept map keys', () => {
  it('builds each pair once and stays correct past its bound', () => {
    const keyOf = pairKeys();
    const first = keyOf('openai', 'gpt-4o');
    expect(first).toBe('openai:gpt-4o');
    expect(keyOf('openai', 'gpt-4o')).toBe(first);
    // A member naming many models: the kept strings are dropped, the answers stay right.
    for (let i = 0; i < 3000; i++) expect(keyOf('compatible', `m${i}`)).toBe(`compatible:m${i}`);
    expect(keyOf('openai', 'gpt-4o')).toBe('openai:gpt-4o');
  });

  it("keys a model by the scope it is used in, and follows a ref's scope when it changes", () => {
    const ref: ModelRef = { provider: 'openai', model: 'gpt-4o', id: 'openai:gpt-4o' };
    expect(scopedKey('env', ref)).toBe(`env\u0000${ref.id}`);
    expect(scopedKey('workspace:1', ref)).toBe(`workspace:1\u0000${ref.id}`);
    expect(scopedKey('env', ref)).toBe(`env\u0000${ref.id}`);
  });
});
