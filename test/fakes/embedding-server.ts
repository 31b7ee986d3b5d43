// A fake embeddings endpoint whose vectors carry meaning: the deterministic bag-of-words embedder of
// test/support/fake-embedder.ts (with a synonym map), so "by meaning" search can be tested end to
// end through the gateway. Counts requests and can be told to fail.
//
// It speaks OpenAI's `/v1/embeddings` (`baseUrl`; also what OpenAI-compatible servers and the
// `compatible` provider use) and Gemini's `models/{model}:embedContent` and
// `:batchEmbedContents` (`geminiBaseUrl`), and honours a requested width as those APIs do:
// OpenAI's `dimensions` for text-embedding-3-* (other models refuse it, 400), Gemini's
// `outputDimensionality` in each request. A width above the server's own is refused (400).
import { createServer, type Server, type ServerResponse } from 'node:http';
import { fakeEmbedder } from '../support/fake-embedder.ts';

export interface EmbeddingServer {
  /** OPENAI_BASE_URL (or OPENAI_COMPATIBLE_BASE_URL) */
  baseUrl: string;
  /** A workspace's Gemini base URL (`…/v1beta`). */
  geminiBaseUrl: string;
  requests: number;
  texts: number;
  /** The width each embedding request asked for (undefined: none), in order. */
  widthsAsked: Array<number | undefined>;
  /** Answer 500 to the next `n` requests. */
  failNext(n: number): void;
  /** Send no `usage` (as Gemini's API and some local servers do). */
  omitUsage: boolean;
  close(): Promise<void>;
}

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** `dimensions`: the width the server gives when none is asked for (and the largest it gives). */
export async function startEmbeddingServer(
  dimensions: number,
  synonyms: Record<string, string> = {},
): Promise<EmbeddingServer> {
  const embedders = new Map<number, (texts: string[]) => Promise<number[][]>>();
  const embedAt = (width: number, texts: string[]) => {
    let embed = embedders.get(width);
    if (!embed) {
      embed = fakeEmbedder(width, synonyms);
      embedders.set(width, embed);
    }
    return embed(texts);
  };
  let failing = 0;
  const state = { requests: 0, texts: 0, omitUsage: false, widthsAsked: [] as Array<number | undefined> };
  const tooWide = (res: ServerResponse, width: number) =>
    sendJson(res, 400, {
      error: {
        message: `dimensions ${width} is above this model's ${dimensions}`,
        type: 'invalid_request_error',
      },
    });

  async function openAi(raw: string, res: ServerResponse) {
    const body = JSON.parse(raw) as { input: string | string[]; model: string; dimensions?: number };
    const texts = Array.isArray(body.input) ? body.input : [body.input];
    state.widthsAsked.push(body.dimensions);
    if (body.dimensions !== undefined && !/^text-embedding-3-/.test(body.model)) {
      sendJson(res, 400, {
        error: {
          message: 'This model does not support specifying dimensions.',
          type: 'invalid_request_error',
        },
      });
      return;
    }
    const width = body.dimensions ?? dimensions;
    if (width > dimensions) return tooWide(res, width);
    state.texts += texts.length;
    const vectors = await embedAt(width, texts);
    const tokens = texts.reduce((n, t) => n + t.split(/\s+/).length, 0);
    sendJson(res, 200, {
      object: 'list',
      model: body.model,
      data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      ...(!state.omitUsage && { usage: { prompt_tokens: tokens, total_tokens: tokens } }),
    });
  }

  type GeminiRequest = { content: { parts: Array<{ text: string }> }; outputDimensionality?: number };
  async function gemini(raw: string, batch: boolean, res: ServerResponse) {
    const body = JSON.parse(raw) as GeminiRequest & { requests?: GeminiRequest[] };
    const requests = batch ? (body.requests ?? []) : [body];
    const asked = requests.map((r) => r.outputDimensionality);
    // One width per call (the SDK asks every request of a batch the same).
    state.widthsAsked.push(asked[0]);
    const width = asked[0] ?? dimensions;
    if (width > dimensions) return tooWide(res, width);
    if (asked.some((w) => w !== asked[0])) return sendJson(res, 400, { error: { message: 'mixed widths' } });
    const texts = requests.map((r) => r.content.parts.map((p) => p.text).join(''));
    state.texts += texts.length;
    const vectors = await embedAt(width, texts);
    // Gemini's API reports no token usage.
    if (batch) sendJson(res, 200, { embeddings: vectors.map((values) => ({ values })) });
    else sendJson(res, 200, { embedding: { values: vectors[0] } });
  }

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += String(d);
    });
    req.on('end', async () => {
      state.requests++;
      const geminiCall = /^\/v1beta\/models\/[^/:]+:(embedContent|batchEmbedContents)$/.exec(req.url ?? '');
      if (req.method !== 'POST' || (req.url !== '/v1/embeddings' && !geminiCall)) {
        res.writeHead(404).end();
        return;
      }
      if (failing > 0) {
        failing--;
        sendJson(res, 500, { error: { message: 'fake embedder outage', type: 'server_error', code: null } });
        return;
      }
      if (geminiCall) await gemini(raw, geminiCall[1] === 'batchEmbedContents', res);
      else await openAi(raw, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}/v1`,
    geminiBaseUrl: `http://127.0.0.1:${address.port}/v1beta`,
    get requests() {
      return state.requests;
    },
    get texts() {
      return state.texts;
    },
    get widthsAsked() {
      return state.widthsAsked;
    },
    failNext(n) {
      failing = n;
    },
    get omitUsage() {
      return state.omitUsage;
    },
    set omitUsage(value) {
      state.omitUsage = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
