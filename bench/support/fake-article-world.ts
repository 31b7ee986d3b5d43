// The article benchmark's fake world in its own process, so that the fake model's tokenizer and the
// source pages' server are not charged to the app being measured (a real model runs elsewhere too):
// the fake writer model behind the fake OpenAI server, with a fixed latency per output token
// (BENCH_PER_TOKEN_MS) and o200k token counts, and the source pages on a local web server.
// Prints "listening <llmBaseUrl> <webUrl>" and serves until killed.
import type { ServerResponse } from 'node:http';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { pageHtml, sourcePages } from '../../test/articles/support.ts';
import { articleModelResponder } from '../../test/fakes/article-model.ts';
import { startOpenAiServer } from '../../test/fakes/openai-server.ts';
import type { ReceivedRequest } from '../../test/fakes/scripted-server.ts';
import { html, json, startServer } from '../../test/research/local-server.ts';
import { modelRequestName } from './model-request-name.ts';

const perTokenMs = Number(process.env.BENCH_PER_TOKEN_MS ?? 2);
const llm = await startOpenAiServer();
const respond = articleModelResponder({ perTokenMs, countTokens: (text) => encode(text).length });
// The model's request log for the benchmark's gap breakdown (GET /__model-requests on the web
// server): when each request reached the model (its body read) and when its response ended, named
// by what it asked for. Kept for a few minutes; `finishedAt` is set by the server when it ends.
const logged: Array<{ request: ReceivedRequest; what: string }> = [];
const keepMs = 5 * 60_000;
llm.responder = (req) => {
  const now = Date.now();
  while (logged.length > 0 && logged[0]!.request.at < now - keepMs) logged.shift();
  logged.push({ request: req, what: modelRequestName(req.body) });
  return respond(req);
};
// The scripted server keeps every request for test assertions; a benchmark does not read them.
setInterval(() => llm.requests.splice(0), 1000).unref();
const web = await startServer({
  ...Object.fromEntries(
    Object.entries(sourcePages).map(([p, page]) => [
      p,
      (_req: unknown, res: ServerResponse) => html(res, pageHtml(page)),
    ]),
  ),
  '/__model-requests': (_req, res) =>
    json(
      res,
      logged.map(({ request, what }) => ({ what, start: request.at, end: request.finishedAt ?? null })),
    ),
});
setInterval(() => web.received.splice(0), 1000).unref();
process.stdout.write(`listening ${llm.baseUrl} ${web.url}\n`);
process.on('SIGTERM', () => void Promise.all([llm.close(), web.close()]).then(() => process.exit(0)));
