// Live article events: Server-Sent Events per article (resumable with Last-Event-ID) and one
// WebSocket per client carrying the events of the articles it subscribes to. Both read the same
// stored event log, so a client on any API process sees a run executing in any worker.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findArticle } from '../../articles/article-store.ts';
import { streamedArticleEvent } from '../../articles/event-map.ts';
import { streamIsOver, streamStart, streamStartPage } from '../../articles/event-store.ts';
import { AppError } from '../../errors.ts';
import { intString } from '../../input/integer.ts';
import { authOf, requireAuth, securedBy } from '../auth.ts';
import { closeCodes, watchCredential } from '../credential-watch.ts';
import { followQuota } from '../follow-quota.ts';
import { hijackReply } from '../hijack.ts';
import { pacedEvents } from '../paced-events.ts';
import { socketMessages } from '../socket-messages.ts';
import { articleIdParams } from './article-schemas.ts';

const keepAliveMs = 15_000;

const eventId = intString(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));

const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), articleId: z.uuid(), lastEventId: eventId.optional() }),
  z.object({ type: z.literal('unsubscribe'), articleId: z.uuid() }),
]);

export const articleEventRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, articleEvents } = app.runtime;
  // A `done` ends a stream only when it is the last word: a later regeneration appends new events.
  // Also asked when a stream opens: resuming after the final event has nothing left to wait for.
  const isFinal = (articleId: string, afterId: number) => streamIsOver(database, articleId, afterId);
  const follows = followQuota();
  const messages = socketMessages();
  // Open event streams, ended when the server closes: a stream is a request that never finishes,
  // and the server's close waited for them until SHUTDOWN_TIMEOUT_SECONDS cut it short (exit 1,
  // the runtime never closed: jobs not stopped, pending ledger rows lost). Clients resume from
  // Last-Event-ID on the next replica.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.get(
    '/articles/:id/events',
    {
      preHandler: requireAuth({ scope: 'articles:read' }),
      schema: {
        tags: ['articles'],
        summary: 'Server-Sent Events of an article run, replayed from `Last-Event-ID` (or `lastEventId`)',
        description:
          'Event types: status, step.started, step.finished, source.found, source.failed, search.failed, section.delta, section.thinking (a reasoning model’s thinking, never part of the article), cost, error, done. ' +
          'Each has an `id` to resume from; the stream ends after the final `done`, or once the article is deleted. ' +
          'After logout, key revocation or a lost membership or scope it ends with one `event: error` that has no `id` (it is not in the article’s log) and whose `data` is `{"code":"unauthenticated"|"forbidden","message"}`. ' +
          'Events are paced by what the client reads: one that reads nothing for 60 s while 256 KB wait is disconnected (resume from the last id). ' +
          'One user follows at most 64 articles and holds at most 256 streams and WebSocket subscriptions at once → 429.',
        security: securedBy,
        params: articleIdParams,
        headers: z.object({ 'last-event-id': eventId.optional() }),
        querystring: z.object({ lastEventId: eventId.optional() }),
        produces: ['text/event-stream'],
        response: {
          200: {
            description:
              'A stream of Server-Sent Events: each message has the `id`, the `event` (its type) and the JSON `data` of one article event.',
            content: { 'text/event-stream': { schema: streamedArticleEvent } },
          },
        },
      },
    },
    async (request, reply) => {
      const after = request.headers['last-event-id'] ?? request.query.lastEventId ?? 0;
      const articleId = request.params.id;
      const auth = authOf(request);
      const release = follows.take(auth.userId, articleId);
      const start = await streamStart(database, auth.workspaceId, articleId, after).catch((err: unknown) => {
        release();
        throw err;
      });
      if (!start) {
        release();
        throw new AppError('not_found', `Article ${articleId} not found`);
      }
      const res = hijackReply(reply, 200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      const send = (event: { id: number; type: string; data: unknown }) =>
        res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
      // The events stored so far came with the statement that opened the stream: sent at once.
      for (const event of start.events) send(event);
      const last = start.events.at(-1);
      const whole = start.events.length < streamStartPage;
      // Finished, and nothing after its final `done` (or after where the client resumes): the
      // stream is over once those events are sent.
      if (start.finished && whole && (!last || last.type === 'done')) {
        release();
        res.end();
        return;
      }
      let open = true;
      const close = () => {
        if (!open) return;
        open = false;
        streams.delete(close);
        release();
        unsubscribe();
        watch.stop();
        clearInterval(keepAlive);
        res.end();
      };
      // Logout, a revoked key or a lost membership ends the stream with a last `error` event.
      const watch = watchCredential(request, 'articles:read', (lost) => {
        if (!open) return;
        res.write(`event: error\ndata: ${JSON.stringify({ code: lost.code, message: lost.reason })}\n\n`);
        close();
      });
      const unsubscribe = pacedEvents(articleEvents, articleId, last?.id ?? after, {
        send: (event) => {
          if (!open) return;
          send(event);
          if (event.type === 'done') {
            void isFinal(event.articleId, event.id).then((final) => final && close(), close);
          }
        },
        waiting: () => res.writableLength,
        // A deleted article sends no `done`: its stream ends once the deletion is seen.
        gone: close,
        stalled: () => res.destroy(),
      });
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs);
      streams.add(close);
      request.raw.on('close', close);
      res.on('close', close);
      // A client gone while the stream was being opened: no close event is left to come.
      if (res.socket?.destroyed !== false) close();
      // A first page that ended with the final `done` of a longer log: whether more follows is asked.
      if (!whole && last?.type === 'done')
        void isFinal(articleId, last.id).then((final) => final && close(), close);
    },
  );

  app.route({
    method: 'GET',
    url: '/ws',
    preHandler: requireAuth({ scope: 'articles:read' }),
    schema: {
      tags: ['articles'],
      summary: 'WebSocket carrying the events of the articles the client subscribes to',
      description:
        'Send {"type":"subscribe","articleId","lastEventId"?} or {"type":"unsubscribe","articleId"}; receive ' +
        '{"type":"event","articleId","id","event","data"} (`event` and `data` as in the response of GET /api/v1/articles/{id}/events) and {"type":"error","articleId"?,"code","message"}. ' +
        "Only articles of the caller's workspace can be subscribed; a subscribed article that is deleted ends its subscription with " +
        '{"type":"error","articleId","code":"not_found"}. The credential is re-checked while the ' +
        'socket is open: after logout, key revocation or a lost membership it closes with 4401, after a lost ' +
        'scope or a workspace switch with 4403. With the session cookie the handshake must come from this ' +
        "site's Origin (or one of ALLOWED_ORIGINS). A subscription past the user's limits (64 articles, 256 streams and " +
        'subscriptions) is answered with {"type":"error","code":"rate_limited"}; a user\'s messages may come 128 at once and ' +
        '32 a second after, and the socket that sends past that is closed with 1008.',
      security: securedBy,
    },
    // Documented (a `websocket: true` route is hidden from the document) and answered in the error
    // shape when asked without an upgrade.
    handler: async () => {
      throw new AppError(
        'validation_error',
        'This path takes a WebSocket: send the handshake (Connection: Upgrade, Upgrade: websocket)',
      );
    },
    wsHandler: (socket, request) => {
      const userId = authOf(request).userId;
      const subscriptions = new Map<string, () => void>();
      // Logout, a revoked key, a lost membership or scope closes the socket with 4401/4403.
      const watch = watchCredential(request, 'articles:read', (lost) => {
        send({ type: 'error', code: lost.code, message: lost.reason });
        socket.close(closeCodes[lost.code], lost.reason);
      });
      const send = (message: unknown) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
      };
      socket.on('message', async (raw: Buffer) => {
        if (socket.readyState !== socket.OPEN) return;
        if (!messages.take(userId)) {
          // 1008: policy violation (RFC 6455).
          socket.close(1008, 'too many messages');
          return;
        }
        let parsed: z.infer<typeof clientMessage>;
        try {
          parsed = clientMessage.parse(JSON.parse(String(raw)));
        } catch {
          send({
            type: 'error',
            code: 'validation_error',
            message: 'Expected {"type":"subscribe"|"unsubscribe","articleId":"<uuid>"}',
          });
          return;
        }
        if (parsed.type === 'unsubscribe') {
          subscriptions.get(parsed.articleId)?.();
          subscriptions.delete(parsed.articleId);
          return;
        }
        try {
          await findArticle(database, watch.current(), parsed.articleId);
        } catch (err) {
          const code = err instanceof AppError ? err.code : 'internal_error';
          send({
            type: 'error',
            articleId: parsed.articleId,
            code,
            message: `Article ${parsed.articleId} not found`,
          });
          return;
        }
        // Closed while the article was looked up: nothing would stop a subscription made now.
        if (socket.readyState !== socket.OPEN || subscriptions.has(parsed.articleId)) return;
        const articleId = parsed.articleId;
        let release: () => void;
        try {
          release = follows.take(userId, articleId);
        } catch (err) {
          send({ type: 'error', articleId, code: 'rate_limited', message: (err as Error).message });
          return;
        }
        const stop = pacedEvents(articleEvents, articleId, parsed.lastEventId ?? 0, {
          send: (event) =>
            send({ type: 'event', articleId, id: event.id, event: event.type, data: event.data }),
          waiting: () => socket.bufferedAmount,
          gone: () => {
            send({
              type: 'error',
              articleId,
              code: 'not_found',
              message: `Article ${articleId} was deleted`,
            });
            subscriptions.get(articleId)?.();
            subscriptions.delete(articleId);
          },
          // A close frame would wait behind what the client does not read; it resubscribes from
          // its last event ids, as after any disconnect.
          stalled: () => socket.terminate(),
        });
        subscriptions.set(articleId, () => {
          stop();
          release();
        });
      });
      socket.on('close', () => {
        watch.stop();
        for (const stop of subscriptions.values()) stop();
        subscriptions.clear();
      });
    },
  });
};

/** Where the article events' WebSocket is: the one path that takes a handshake. */
export const eventSocketPath = '/api/v1/ws';
