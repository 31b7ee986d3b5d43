// Answering a request that waits on one model call (a tool, a remix): the call is aborted as soon
// as the client goes away — its upstream request closed, nothing more generated or billed — and a
// client that asks for `text/event-stream` gets its progress as Server-Sent Events instead of one
// JSON body at the end:
//   event: partial  data: what of the answer is written so far (unvalidated, limits not yet applied)
//   event: result   data: the JSON body the plain request answers
//   event: error    data: {"code","message","details?"} — the error shape's fields
// Everything refused before the call (bad input, unknown ids, no model) is an HTTP 4xx/5xx either
// way; only what fails during the call comes as an `error` event.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { hijackReply } from './hijack.ts';

export interface ModelCallControls {
  signal: AbortSignal;
  onPartial?: (partial: unknown) => void;
}

const keepAliveMs = 15_000;

/** The events of a streamed answer, for the OpenAPI document. */
export function streamedAnswer(result: z.ZodType) {
  return z.discriminatedUnion('event', [
    z.object({ event: z.literal('partial'), data: z.unknown() }),
    z.object({ event: z.literal('result'), data: result }),
    z.object({
      event: z.literal('error'),
      data: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
    }),
  ]);
}

export const streamingNote =
  'Send `Accept: text/event-stream` to receive progress as Server-Sent Events: `partial` (what is written so far, ' +
  'unvalidated), then `result` (this response body) or `error` (`{code, message, details?}`, for failures during the ' +
  'model call such as `budget_exceeded` or `unavailable`). Closing the connection cancels the model call.';

const wantsEvents = (request: FastifyRequest) =>
  /\btext\/event-stream\b/i.test(String(request.headers.accept ?? ''));

/** Aborts when the client closes the connection before the answer was sent. */
function clientGone(reply: FastifyReply): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const res = reply.raw;
  const onClose = () => {
    if (!res.writableFinished)
      controller.abort(new AppError('unavailable', 'The client closed the connection'));
  };
  res.on('close', onClose);
  if (res.socket?.destroyed !== false) onClose();
  return { signal: controller.signal, dispose: () => res.off('close', onClose) };
}

export async function answerModelCall<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  run: (controls: ModelCallControls) => Promise<T>,
): Promise<T | undefined> {
  const gone = clientGone(reply);
  if (!wantsEvents(request)) {
    try {
      return await run({ signal: gone.signal });
    } finally {
      gone.dispose();
    }
  }
  const res = hijackReply(reply, 200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  // Nothing is written once the client is gone (its socket destroyed) or the answer has ended.
  const write = (chunk: string) => {
    if (!res.writableEnded && !res.destroyed) res.write(chunk);
  };
  const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const keepAlive = setInterval(() => write(': keep-alive\n\n'), keepAliveMs);
  try {
    send('result', await run({ signal: gone.signal, onPartial: (partial) => send('partial', partial) }));
  } catch (err) {
    if (err instanceof AppError)
      send('error', {
        code: err.code,
        message: err.message,
        ...(err.details !== undefined && { details: err.details }),
      });
    else if (!gone.signal.aborted) {
      request.log.error({ err }, 'unhandled error in a streamed answer');
      send('error', { code: 'internal_error', message: 'Internal server error' });
    }
  } finally {
    clearInterval(keepAlive);
    gone.dispose();
    res.end();
  }
  return undefined;
}
