// A fake OpenAI-compatible embeddings endpoint whose vectors carry meaning: the deterministic
// bag-of-words embedder of test/support/fake-embedder.ts (with a synonym map), so "by meaning"
// search can be tested end to end through the gateway. Counts requests and can be told to fail.
import { createServer, type Server } from 'node:http';
import { fakeEmbedder } from '../support/fake-embedder.ts';

export interface EmbeddingServer {
  /** OPENAI_BASE_URL */
  baseUrl: string;
  requests: number;
  texts: number;
  /** Answer 500 to the next `n` requests. */
  failNext(n: number): void;
  /** Send no `usage` (as Gemini's API and some local servers do). */
  omitUsage: boolean;
  close(): Promise<void>;
}

export async function startEmbeddingServer(
  dimensions: number,
  synonyms: Record<string, string> = {},
): Promise<EmbeddingServer> {
  const embed = fakeEmbedder(dimensions, synonyms);
  let failing = 0;
  const state = { requests: 0, texts: 0, omitUsage: false };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += String(d);
    });
    req.on('end', async () => {
      state.requests++;
      if (req.url !== '/v1/embeddings' || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      if (failing > 0) {
        failing--;
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { message: 'fake embedder outage', type: 'server_error', code: null } }),
        );
        return;
      }
      const body = JSON.parse(raw) as { input: string | string[]; model: string };
      const texts = Array.isArray(body.input) ? body.input : [body.input];
      state.texts += texts.length;
      const vectors = await embed(texts);
      const tokens = texts.reduce((n, t) => n + t.split(/\s+/).length, 0);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          model: body.model,
          data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
          ...(!state.omitUsage && { usage: { prompt_tokens: tokens, total_tokens: tokens } }),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}/v1`,
    get requests() {
      return state.requests;
    },
    get texts() {
      return state.texts;
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
