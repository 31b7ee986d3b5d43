// What a request hands its job in the same process is bounded in count, in text and in time: on an
// API replica that runs no jobs (or for a document deleted before its job), nothing else ever takes
// it, and sixteen large documents were held for good.
import { describe, expect, it } from 'vitest';
import type { ChunkedDocument } from '../../src/knowledge/ingest-document.ts';
import { handedOff, handOff, takeHandedOff } from '../../src/knowledge/parsed-handoff.ts';

const doc = (chars: number): ChunkedDocument => {
  const text = 'x'.repeat(chars / 2);
  return {
    type: 'text',
    title: 't',
    contentHash: 'h',
    chunks: [{ index: 0, text, rawText: text, tokenCount: 1, headingPath: [], contentHash: 'c' }],
  } as ChunkedDocument;
};

describe('the parsed-document handoff', () => {
  it('is taken once, by its own id', () => {
    handOff('a', doc(10));
    expect(takeHandedOff('b')).toBeUndefined();
    expect(takeHandedOff('a')).toBeDefined();
    expect(takeHandedOff('a')).toBeUndefined();
  });

  it('holds sixteen documents at most, the oldest let go first', () => {
    for (let i = 0; i < 17; i++) handOff(`n${i}`, doc(10));
    expect(handedOff().documents).toBe(16);
    expect(takeHandedOff('n0')).toBeUndefined();
    expect(takeHandedOff('n16')).toBeDefined();
    for (let i = 1; i < 16; i++) takeHandedOff(`n${i}`);
    expect(handedOff()).toEqual({ documents: 0, chars: 0 });
  });

  it('lets the oldest go once the text held passes 32 M characters', () => {
    handOff('big1', doc(20 * 1024 * 1024));
    handOff('big2', doc(20 * 1024 * 1024));
    expect(handedOff()).toEqual({ documents: 1, chars: 20 * 1024 * 1024 });
    expect(takeHandedOff('big1')).toBeUndefined();
    expect(takeHandedOff('big2')).toBeDefined();
  });

  it('lets a document go after five minutes, taken or not', () => {
    const t0 = Date.now();
    handOff('old', doc(10), t0);
    expect(takeHandedOff('old', t0 + 6 * 60_000)).toBeUndefined();
    handOff('stale', doc(10), t0);
    handOff('fresh', doc(10), t0 + 6 * 60_000);
    expect(handedOff().documents).toBe(1);
    expect(takeHandedOff('fresh', t0 + 6 * 60_000)).toBeDefined();
  });
});
