// A section's text streamed from the writer and shown live: the text (and a reasoning model's
// thinking) goes out as delta events while the step's output stays the record.
import type { RunContext, StepLlm } from '../steps.ts';

// Coalesces a section's streamed text (or the model's thinking) into one event per interval, so a
// fast stream does not become thousands of rows; the last piece is flushed when the stream ends.
function deltaPublisher(
  ctx: RunContext,
  part: string,
  index?: number,
  type: 'section.delta' | 'section.thinking' = 'section.delta',
  intervalMs = 200,
) {
  let buffer = '';
  let last = 0;
  let pending = Promise.resolve();
  const flush = () => {
    if (!buffer) return pending;
    const text = buffer;
    buffer = '';
    last = Date.now();
    // Text deltas are a live view, not the record (the step's output is): one that cannot be
    // written (the article was deleted meanwhile) is dropped rather than failing the run.
    pending = pending.then(() =>
      ctx.events
        .publish(ctx.article.id, type, { part, ...(index !== undefined ? { index } : {}), text })
        .then(
          () => {},
          (err) => ctx.logger.debug({ err, articleId: ctx.article.id }, 'text delta not published'),
        ),
    );
    return pending;
  };
  return {
    push(text: string) {
      buffer += text;
      if (Date.now() - last >= intervalMs) void flush();
    },
    async end() {
      await flush();
    },
  };
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
): Promise<string> {
  // A reasoning model's thinking is shown live as its own event type, never as article text.
  const thinking = deltaPublisher(ctx, part, index, 'section.thinking');
  const stream = llm.streamText({ role: 'writer', ...call, onReasoning: (text) => thinking.push(text) });
  const deltas = deltaPublisher(ctx, part, index);
  for await (const text of stream) deltas.push(text);
  await Promise.all([thinking.end(), deltas.end()]);
  return (await stream.result).text.trim();
}
