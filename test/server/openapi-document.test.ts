// What the OpenAPI document says about inputs and answers that are not plain JSON objects: it is
// what the web app's types and any generated client are built from.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/server/openapi-document.ts';

interface Parameter {
  in: string;
  name: string;
  schema: Record<string, unknown>;
}
interface Answer {
  description: string;
  headers?: Record<string, { description?: string; schema: Record<string, unknown> }>;
  content?: Record<string, { schema: Record<string, unknown> }>;
}
interface Document {
  paths: Record<string, Record<string, { parameters?: Parameter[]; responses: Record<string, Answer> }>>;
}

describe('the OpenAPI document', () => {
  let doc: Document;
  // Builds the whole app on an in-memory embedded database (migrations included): slow on a busy machine.
  beforeAll(async () => {
    doc = (await buildOpenApiDocument()) as unknown as Document;
  }, 180_000);

  const parameters = () =>
    Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, op]) =>
        (op.parameters ?? []).map((p) => ({ at: `${method.toUpperCase()} ${path} ${p.in} ${p.name}`, ...p })),
      ),
    );

  it('documents every page size as the integer it is, with its bounds and default', () => {
    const limits = parameters().filter((p) => p.in === 'query' && p.name === 'limit');
    expect(limits.length).toBeGreaterThan(5);
    for (const { at, schema } of limits) {
      expect(schema, at).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
      expect(schema.default, at).toBeTypeOf('number');
    }
    expect(doc.paths['/api/v1/articles']!.get!.parameters!.find((p) => p.name === 'limit')!.schema).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 20,
    });
  });

  it('documents the event id to resume from, in the query or the Last-Event-ID header, as an integer', () => {
    const resume = parameters().filter((p) => p.name === 'lastEventId' || p.name === 'last-event-id');
    expect(resume.map((p) => p.in).sort()).toEqual(['header', 'query']);
    for (const { at, schema } of resume)
      expect(schema, at).toEqual({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
  });

  it('documents no integer as the string of digits it is written as', () => {
    for (const { at, schema } of parameters())
      expect(JSON.stringify(schema), at).not.toContain('\\\\d{1,16}');
  });

  it('documents an export as the file it is, in each format, with its headers', () => {
    const ok = doc.paths['/api/v1/articles/{id}/export']!.get!.responses['200']!;
    expect(Object.keys(ok.content ?? {}).sort()).toEqual(
      [
        'application/json',
        'text/html',
        'text/markdown',
        'text/plain',
        'application/pdf',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ].sort(),
    );
    for (const type of ['text/markdown', 'text/html', 'text/plain'])
      expect(ok.content![type]!.schema, type).toMatchObject({ type: 'string' });
    for (const type of [
      'application/pdf',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ])
      expect(ok.content![type]!.schema, type).toMatchObject({ type: 'string', format: 'binary' });
    // The JSON file is the article as GET /articles/{id} answers it.
    const article = doc.paths['/api/v1/articles/{id}']!.get!.responses['200']!.content!['application/json']!;
    expect(ok.content!['application/json']!.schema).toEqual(article.schema);
    expect(ok.headers?.['content-disposition']).toMatchObject({ schema: { type: 'string' } });
    expect(ok.headers?.['x-instruction-flags']).toMatchObject({
      schema: { type: 'integer', minimum: 1 },
      description: expect.stringMatching(/instructions/),
    });
  });
});
