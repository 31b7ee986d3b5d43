// The shared machinery of the fake LLM servers: a real HTTP server on 127.0.0.1:0, a queue of
// scripted behaviours consumed one per request, and a log of what was received.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUsage {
  input: number;
  output: number;
  cached?: number;
}

export type Behaviour =
  /** A normal answer: `text`, or `json` (sent as the JSON text), with this usage. */
  | {
      type: 'answer';
      text?: string;
      json?: unknown;
      usage?: FakeUsage;
      /** Pause before the response starts. */
      delayMs?: number;
      /** Pause between stream chunks (a slow stream). */
      chunkDelayMs?: number;
      /** Characters per stream chunk (default 4). */
      chunkSize?: number;
      /** Why the answer ended (default `stop`): `length` for one cut at max_tokens. */
      finishReason?: 'stop' | 'length';
    }
  /** The model calls a tool with these arguments. */
  | { type: 'tool-call'; name: string; arguments: unknown; usage?: FakeUsage }
  /** An HTTP error, e.g. 429 with `retry-after`, 500, or a 400 context-length error. */
  | {
      type: 'error';
      status: number;
      message?: string;
      code?: string;
      headers?: Record<string, string>;
      /** The response body exactly (default: the server's usual error shape). */
      body?: unknown;
    }
  /** Accept the request and never answer. */
  | { type: 'hang' }
  /** Answer with `answer` once `until` settles (a test acting while the request waits). */
  | { type: 'held'; until: Promise<unknown>; answer: Behaviour }
  /**
   * Streams: send `afterChunks` chunks of `text`, then drop the connection (or, with `stall`, go
   * silent and keep it open; with `ending: 'end'`, end the body cleanly without finishing, as a
   * server whose generation died does; with `ending: 'error'`, send the server's in-stream error
   * event — Anthropic's `overloaded_error`, an OpenAI-compatible `{"error": …}` chunk — and end).
   * Non-streams: drop at once.
   */
  | {
      type: 'cut';
      text: string;
      afterChunks: number;
      stall?: boolean;
      ending?: 'end' | 'error';
      error?: { type: string; message: string };
      usage?: FakeUsage;
    };

/**
 * Switchable behaviours of real OpenAI-compatible servers (Ollama, vLLM, llama.cpp, LM Studio...),
 * applied to every answer while set. Only the OpenAI fake reads them.
 */
export interface ServerQuirks {
  /** Reasoning model served without a reasoning parser: a `<think>` block opens the content. */
  thinkTags?: boolean;
  /**
   * The same, with a chat template that puts `<think>` in the prompt (DeepSeek-R1 distills, QwQ):
   * the content is the reasoning, a lone `</think>`, then the answer.
   */
  openThinkInPrompt?: boolean;
  /** Reasoning sent apart from the content, in this delta/message field. */
  reasoningField?: 'reasoning_content' | 'reasoning';
  /** The reasoning text itself (default: a fixed paragraph with `secretReasoning` in it). */
  reasoningText?: string;
  /** `response_format: json_schema` is refused with a 400 (llama.cpp builds, older vLLM). */
  rejectJsonSchema?: boolean;
  /** Any `response_format` other than text is refused with a 400. */
  rejectResponseFormat?: boolean;
  /** `response_format` is accepted but ignored: only what the prompt asks for shapes the answer. */
  ignoreResponseFormat?: boolean;
  /** Tool definitions are refused with a 400. */
  rejectTools?: boolean;
  /** A streamed request with a response format or tools is refused with a 400 (whole answers are fine). */
  rejectStreamedStructure?: boolean;
  /** JSON answers come inside a ```json fence after a chatty preamble. */
  fencedJson?: boolean;
  /** JSON answers are followed by chatter. */
  trailingText?: boolean;
  /** Streams carry no usage chunk, even when `stream_options.include_usage` asks for one. */
  noStreamUsage?: boolean;
  /** No `usage` anywhere. */
  noUsage?: boolean;
  /** Context window in tokens: a longer prompt + max_tokens gets a 400 in `contextErrorStyle`. */
  contextTokens?: number;
  contextErrorStyle?: 'openai' | 'vllm' | 'tgi';
  /** Serves GET /v1/models with vLLM's `max_model_len` (the context size) for every model. */
  maxModelLen?: number;
  /** The writer model (article-model.ts) cites as `【n】`, `(Source n)`, `^n`, `[n, m]`, `[n-m]`, and invents a number. */
  citationSpellings?: boolean;
  /** The models GET /v1/models lists (default: `fake-writer`). */
  modelIds?: string[];
}

export const secretReasoning = 'PRIVATE-CHAIN-OF-THOUGHT';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  at: number;
  /** When the response ended (benchmarks read request intervals from `at` to this). */
  finishedAt?: number;
}

export interface FakeServer {
  /** e.g. http://127.0.0.1:PORT/v1 */
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  /** Requests answered outside the script (model listings), for benchmark timelines. */
  readonly listings: ReceivedRequest[];
  /** Queues behaviours, consumed one per request; when empty, `fallback` answers. */
  script(...behaviours: Behaviour[]): void;
  /** What answers when the queue is empty (default: a short text answer). */
  fallback: Behaviour;
  /** When set, answers requests the queue does not (before `fallback`), from what was asked. */
  responder: ((req: ReceivedRequest) => Behaviour | undefined) | undefined;
  /** Real-server quirks in effect (mutable; empty by default). */
  quirks: ServerQuirks;
  close(): Promise<void>;
}

export type Handler = (
  req: ReceivedRequest,
  behaviour: Behaviour,
  res: ServerResponse,
  quirks: ServerQuirks,
) => Promise<void> | void;

/**
 * Refuses a request the way the server would before any generation (a rejected response format, a
 * prompt over the context window), without consuming a scripted behaviour.
 */
export type Gate = (
  req: ReceivedRequest,
  quirks: ServerQuirks,
) => Extract<Behaviour, { type: 'error' }> | undefined;

export const defaultUsage: FakeUsage = { input: 12, output: 5, cached: 0 };
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function chunk(text: string, size = 4): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function answerText(b: Extract<Behaviour, { type: 'answer' }>): string {
  return b.json !== undefined ? JSON.stringify(b.json) : (b.text ?? 'ok');
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  const raw = Buffer.concat(parts).toString('utf8');
  return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startScriptedServer(
  routes: Record<string, Handler>,
  errorBody: (b: Extract<Behaviour, { type: 'error' }>, quirks: ServerQuirks) => unknown,
  opts: {
    gate?: Gate;
    /** Routes answered from the quirks alone (e.g. model listings), never from the script. */
    direct?: Record<string, (req: ReceivedRequest, res: ServerResponse, quirks: ServerQuirks) => void>;
  } = {},
): Promise<FakeServer> {
  const queue: Behaviour[] = [];
  const quirks: ServerQuirks = {};
  const requests: ReceivedRequest[] = [];
  const listings: ReceivedRequest[] = [];
  const state = {
    fallback: { type: 'answer', text: 'ok' } as Behaviour,
    responder: undefined as ((req: ReceivedRequest) => Behaviour | undefined) | undefined,
  };

  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const received: ReceivedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body: await readBody(req),
      at: Date.now(),
    };
    res.once('close', () => {
      received.finishedAt = Date.now();
    });
    // A provider takes requests side by side. This one thread builds each answer (its text, token
    // counts and chunks: 1–2 ms for a section), so requests that arrive together are all received
    // first and answered after: one is no longer taken in only once the others' answers are built,
    // which put this server's work in the client's time between its calls (bench/RESULTS.md).
    await new Promise(setImmediate);
    // Listings (e.g. a client asking the context size) are not part of the scripted conversation.
    const direct = opts.direct?.[path];
    if (direct) {
      listings.push(received);
      return direct(received, res, quirks);
    }
    requests.push(received);
    const handler = routes[path];
    if (!handler) return sendJson(res, 404, { error: { message: `no route ${path}` } });
    const refused = opts.gate?.(received, quirks);
    if (refused) return sendJson(res, refused.status, errorBody(refused, quirks));
    let behaviour = queue.shift() ?? state.responder?.(received) ?? state.fallback;
    while (behaviour.type === 'held') {
      await behaviour.until.catch(() => {});
      behaviour = behaviour.answer;
    }
    if (behaviour.type === 'hang') return;
    if (behaviour.type === 'error')
      return sendJson(res, behaviour.status, errorBody(behaviour, quirks), behaviour.headers ?? {});
    if (behaviour.type === 'answer' && behaviour.delayMs) await sleep(behaviour.delayMs);
    if (behaviour.type === 'cut' && received.body.stream !== true) {
      res.socket?.destroy();
      return;
    }
    await handler(received, behaviour, res, quirks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    listings,
    script: (...b) => {
      queue.push(...b);
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(b: Behaviour) {
      state.fallback = b;
    },
    get responder() {
      return state.responder;
    },
    set responder(r) {
      state.responder = r;
    },
    get quirks() {
      return quirks;
    },
    set quirks(q: ServerQuirks) {
      for (const k of Object.keys(quirks)) delete quirks[k as keyof ServerQuirks];
      Object.assign(quirks, q);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes SSE chunks with the behaviour's pacing; for `cut`, drops the connection part-way. */
export async function writeStream(
  res: ServerResponse,
  behaviour: Behaviour,
  events: {
    head: string[];
    deltas: string[];
    tail: string[];
    /** The server's own in-stream error event (for a `cut` ending in `error`). */
    streamError?: (error: { type: string; message: string }) => string;
  },
) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events.head) res.write(e);
  const delay = behaviour.type === 'answer' ? (behaviour.chunkDelayMs ?? 0) : 0;
  // Paced against the clock, not by a fixed sleep per chunk: a timer fires late by a millisecond or
  // more on a busy machine, which at 5 ms a token made streams ~25 % slower than their nominal rate
  // while a single wait for a whole answer stays on time.
  const startedAt = performance.now();
  // A cut after every chunk (or of an empty text) still cuts, before the tail.
  for (let i = 0; i <= events.deltas.length; i++) {
    if (behaviour.type === 'cut' && i >= Math.min(behaviour.afterChunks, events.deltas.length)) {
      if (behaviour.stall) return;
      if (behaviour.ending === 'error' && events.streamError)
        res.write(events.streamError(behaviour.error ?? { type: 'overloaded_error', message: 'Overloaded' }));
      if (behaviour.ending) return void res.end();
      // Let the written chunks reach the client before the connection drops.
      await sleep(20);
      res.socket?.destroy();
      return;
    }
    if (i === events.deltas.length) break;
    if (delay) await sleep(Math.max(0, startedAt + (i + 1) * delay - performance.now()));
    res.write(events.deltas[i]);
  }
  for (const e of events.tail) res.write(e);
  res.end();
}
