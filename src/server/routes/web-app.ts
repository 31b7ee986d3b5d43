// The browser app (web/, React + Vite) served from web/dist at `/`. Built files are served as they
// are; any other GET that a browser navigates to (Accept: text/html) outside /api, /docs, /health
// and /metrics gets index.html so client-side routes survive a reload. Everything else keeps the
// JSON 404 of the error handler. Registered last so every API route wins over the fallback.
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

export const webDistDir = path.resolve(import.meta.dirname, '../../../web/dist');

const reserved = /^\/(api|docs|health|metrics)(\/|$)/;

const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Blogsmith</title></head>
<body><main><h1>Blogsmith</h1><p>The web app is not built. Run <code>npm run build:web</code>
(or start with <code>npm start</code>, which builds it), then reload. The API is at <a href="/docs">/docs</a>.</p></main></body></html>`;

export const webAppRoutes: FastifyPluginAsync = async (app) => {
  const built = existsSync(path.join(webDistDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: webDistDir,
      prefix: '/',
      wildcard: false,
      index: false,
      // Vite fingerprints everything under assets/: cache it for good; index.html never.
      setHeaders: (res, file) => {
        res.header(
          'cache-control',
          file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }

  const spa = async (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    const accept = request.headers.accept ?? '';
    if (reserved.test(pathname) || !accept.includes('text/html')) return reply.callNotFound();
    if (!built) return reply.status(503).type('text/html; charset=utf-8').send(notBuiltPage);
    return reply.header('cache-control', 'no-cache').sendFile('index.html', webDistDir);
  };
  app.get('/', { schema: { hide: true } }, spa);
  app.get('/*', { schema: { hide: true } }, spa);
};
