// The request bodies the API reads: JSON (and multipart uploads, parsed by @fastify/multipart on the
// one route that takes them). Anything else is refused with 415 before a route sees it.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

const protoRefused = () =>
  new AppError(
    'validation_error',
    'A body with a "__proto__" key is refused: merged into an object it could change that object\'s prototype',
  );

// Valid JSON that Fastify's parser refused anyway: it holds a "__proto__" key.
function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function installBodyParsers(app: FastifyInstance) {
  // Fastify passes text/plain through as a string: a JSON operation then refused it as a validation
  // error (400) rather than as a media type it does not take (415). No route reads plain text.
  app.removeContentTypeParser('text/plain');

  // Fastify's JSON parser (secure-json-parse), refusing a "__proto__" key as Fastify does by default
  // ('error'), with a message that says so instead of "not valid JSON".
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    // An empty body is no body, as when the header is left out: an operation that takes none
    // (cancel, logout, a DELETE) is answered, and one that needs a body refuses it by its schema.
    if (text.length === 0) {
      done(null, undefined);
      return;
    }
    parseJson(request, text, (err, value) => {
      if (err && parsesAsJson(text)) done(protoRefused(), undefined);
      else done(err, value);
    });
  });
}
