// Live section text: streams written side by side share each interval's insert, and every piece of
// a stream is written, in order, before its section's text is returned.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { streamSectionText } from '../../../src/articles/pipeline/stream-section.ts';
import type { RunContext, StepLlm } from '../../../src/articles/steps.ts';
import type { LlmTextResult } from '../../../src/llm/types.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A writer that streams `pieces`, one every `everyMs`. */
function writer(pieces: string[], everyMs: number): StepLlm {
  return {
    streamText() {
      const text = pieces.join('');
      return {
        async *[Symbol.asyncIterator]() {
          for (const piece of pieces) {
            await tick(everyMs);
            yield piece;
          }
        },
        result: Promise.resolve({ text, usage: { inputTokens: 1, outputTokens: 1 } } as LlmTextResult),
      };
    },
    generateText: () => Promise.reject(new Error('unused')),
    generateObject: () => Promise.reject(new Error('unused')),
  };
}

describe('live section text', () => {
  it('writes the streams of sections written side by side in one statement per interval', async () => {
    const statements: Array<Array<{ part: string; text: string }>> = [];
    const ctx = {
      article: { id: 'a1', workspaceId: 'w1' },
      logger: pino({ level: 'silent' }),
      events: {
        async publishAll(_id: string, type: string, data: Array<{ part: string; text: string }>) {
          expect(type).toBe('section.delta');
          statements.push(data);
        },
      },
    } as unknown as RunContext;
    const pieces = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i} `);
    const sections = ['section:0', 'section:1', 'section:2'];
    const texts = await Promise.all(
      sections.map((part, i) =>
        streamSectionText(ctx, writer(pieces(30, `s${i}w`), 20), part, i, { system: '', prompt: '' }),
      ),
    );
    // ~600 ms of streaming at one write per 200 ms, plus the ends: a handful of statements, where
    // one publisher per section wrote about three times as many.
    expect(statements.length).toBeLessThanOrEqual(8);
    expect(statements.some((rows) => new Set(rows.map((r) => r.part)).size === sections.length)).toBe(true);
    // Every stream's pieces arrive complete and in order.
    for (const [i, part] of sections.entries()) {
      const written = statements.flatMap((rows) => rows.filter((r) => r.part === part).map((r) => r.text));
      expect(written.join('')).toBe(pieces(30, `s${i}w`).join(''));
      expect(texts[i]).toBe(pieces(30, `s${i}w`).join('').trim());
    }
  });

  it('refuses text with more emphasis marks than the lexer reads in bounded time', async () => {
    const ctx = {
      article: { id: 'a1', workspaceId: 'w1' },
      logger: pino({ level: 'silent' }),
      events: { publishAll: async () => {} },
    } as unknown as RunContext;
    // 60 kB of marks that never close: the edit budget's refusal, as for an article edit.
    await expect(
      streamSectionText(ctx, writer(['*_a'.repeat(20_000)], 1), 'section:0', 0, { system: '', prompt: '' }),
    ).rejects.toThrow(/The model's text cannot be used: .*emphasis/);
    const ordinary = `Heat pumps **move** heat, _not_ make it. ${'More words here. '.repeat(200)}`;
    await expect(
      streamSectionText(ctx, writer([ordinary], 1), 'section:0', 0, { system: '', prompt: '' }),
    ).resolves.toBe(ordinary.trim());
  });
});
