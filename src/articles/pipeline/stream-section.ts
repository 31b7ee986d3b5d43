// A section's text streamed from the writer and shown live: the text (and a reasoning model's
// thinking) goes out as delta events while the step's output stays the record.
import { markdownEmphasisProblem } from '../../writing/markdown-limits.ts';
import type { RunContext, StepLlm } from '../steps.ts';

type DeltaType = 'section.delta' | 'section.thinking';
type Delta = { part: string; index?: number; text: string };

const intervalMs = 200;

/**
 * A run's live text, coalesced: each stream's text (a section's, or a model's thinking) becomes one
 * event per interval, so a fast stream is not thousands of rows, and the streams written side by side
 * share that interval's statement — six sections cost one insert per interval, not six. A stream's
 * last piece is written when it ends.
 */
class RunDeltas {
  private readonly buffers = new Map<string, { type: DeltaType; delta: Delta }>();
  private last = 0;
  private pending = Promise.resolve();
  private readonly ctx: RunContext;

  constructor(ctx: RunContext) {
    this.ctx = ctx;
  }

  push(type: DeltaType, part: string, index: number | undefined, text: string) {
    const key = `${type} ${part}`;
    const buffered = this.buffers.get(key);
    if (buffered) buffered.delta.text += text;
    else this.buffers.set(key, { type, delta: { part, ...(index !== undefined ? { index } : {}), text } });
    if (Date.now() - this.last >= intervalMs) void this.flush();
  }

  /** Writes every buffered piece, after the writes before; resolves once they are stored (or dropped). */
  flush(): Promise<void> {
    if (this.buffers.size === 0) return this.pending;
    const byType = new Map<DeltaType, Delta[]>();
    for (const { type, delta } of this.buffers.values())
      if (delta.text) byType.set(type, [...(byType.get(type) ?? []), delta]);
    this.buffers.clear();
    this.last = Date.now();
    const { ctx } = this;
    // Text deltas are a live view, not the record (the step's output is): ones that cannot be
    // written (the article was deleted meanwhile) are dropped rather than failing the run.
    this.pending = this.pending.then(async () => {
      for (const [type, deltas] of byType)
        await ctx.events
          .publishAll(ctx.article.id, type, deltas, ctx.leaseOwner)
          .catch((err) => ctx.logger.debug({ err, articleId: ctx.article.id }, 'text delta not published'));
    });
    return this.pending;
  }
}

const runDeltas = new WeakMap<RunContext, RunDeltas>();

function deltasOf(ctx: RunContext): RunDeltas {
  const existing = runDeltas.get(ctx);
  if (existing) return existing;
  const deltas = new RunDeltas(ctx);
  runDeltas.set(ctx, deltas);
  return deltas;
}

export async function streamSectionText(
  ctx: RunContext,
  llm: StepLlm,
  part: string,
  index: number | undefined,
  call: {
    system: string;
    prompt: string;
    maxOutputTokens?: number;
    fit?: (maxPromptTokens: number) => { system: string; prompt: string };
  },
  /** Called once, when the first text (or thinking) comes: the request is answered. */
  onAnswer?: () => void,
): Promise<string> {
  const deltas = deltasOf(ctx);
  // A reasoning model's thinking is shown live as its own event type, never as article text.
  const stream = llm.streamText({
    role: 'writer',
    ...call,
    onReasoning: (text) => {
      onAnswer?.();
      deltas.push('section.thinking', part, index, text);
    },
  });
  for await (const text of stream) {
    onAnswer?.();
    deltas.push('section.delta', part, index, text);
  }
  await deltas.flush();
  const text = (await stream.result).text.trim();
  // The lexer reads emphasis marks in time that grows with their number × its reach; text past the
  // budget that edits are held to (a real section is far below it; a hostile server's 500 kB of
  // `*_a` would cost seconds on every render and SEO read) is not taken into the article. The step
  // asks again, then fails with this message.
  const tooCostly = markdownEmphasisProblem(text);
  if (tooCostly) throw new Error(`The model's text cannot be used: ${tooCostly}`);
  return text;
}
