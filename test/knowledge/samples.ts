// Documents the knowledge tests parse, built in code so every byte is visible here.
export const articleHtml = `<!doctype html>
<html><head><title>Tuning PostgreSQL | Example Blog</title></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About</a> <a href="/blog">Blog</a></nav>
<article>
<h1>Tuning PostgreSQL</h1>
<p>PostgreSQL ships with conservative defaults that suit a small machine. On a dedicated server most of
them should be raised, and this article walks through the ones that matter most for a write-heavy load.
Each setting is explained with the reasoning behind it so you can adapt the numbers to your own hardware.</p>
<h2>Memory</h2>
<p>The shared_buffers setting decides how much memory PostgreSQL keeps for its own page cache. A common
starting point is a quarter of the machine's memory, leaving the rest to the operating system cache which
PostgreSQL also relies on heavily for reads that miss its own buffers.</p>
<ul><li>shared_buffers: a quarter of RAM</li><li>work_mem: per sort or hash, so keep it modest</li></ul>
<h3>Checkpoints</h3>
<p>Checkpoints flush dirty pages to disk. Spreading them out with checkpoint_completion_target smooths the
write load and avoids sudden latency spikes when many pages are written at once during busy periods.</p>
<pre><code>checkpoint_timeout = 15min
max_wal_size = 8GB</code></pre>
<table><tr><th>Setting</th><th>Value</th></tr><tr><td>wal_buffers</td><td>16MB</td></tr></table>
</article>
<footer>Copyright Example Blog</footer>
</body></html>`;

export const nestedMarkdown = `# Operations Guide

Intro paragraph for the whole guide.

## Backups

Backups run nightly.

### Restore

To restore, stop the service first.

- Stop the service
- Copy the snapshot
  - Verify its checksum
- Start the service

\`\`\`sh
blogsmith restore --from snapshot.tar
\`\`\`

## Monitoring

| Metric | Alert |
| --- | --- |
| p95 latency | > 500 ms |
`;

export const petstoreSpec = {
  openapi: '3.0.3',
  info: { title: 'Pet Store', version: '1.2.0', description: 'Sells pets.' },
  servers: [{ url: 'https://api.pets.example/v1' }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Pet: {
        type: 'object',
        required: ['name'],
        properties: { id: { type: 'integer' }, name: { type: 'string' }, tag: { type: 'string' } },
      },
    },
  },
  paths: {
    '/pets': {
      get: {
        tags: ['pets'],
        operationId: 'listPets',
        summary: 'List all pets',
        parameters: [
          { name: 'limit', in: 'query', description: 'How many to return', schema: { type: 'integer' } },
        ],
        responses: {
          '200': {
            description: 'A page of pets',
            content: {
              'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Pet' } } },
            },
          },
        },
      },
      post: {
        tags: ['pets'],
        operationId: 'createPet',
        summary: 'Create a pet',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } },
        },
        responses: { '201': { description: 'Created' } },
      },
    },
    '/stores/{storeId}': {
      get: {
        tags: ['stores'],
        operationId: 'getStore',
        summary: 'Find a store',
        parameters: [{ name: 'storeId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '404': { description: 'No such store' } },
      },
    },
  },
};

export const petstoreYaml = `openapi: 3.1.0
info:
  title: Pet Store
  version: 1.2.0
servers:
  - url: https://api.pets.example/v1
components:
  securitySchemes:
    apiKey:
      type: apiKey
      in: header
      name: X-API-Key
paths:
  /pets:
    get:
      tags: [pets]
      operationId: listPets
      summary: List all pets
      responses:
        "200":
          description: A page of pets
    post:
      tags: [pets]
      operationId: createPet
      summary: Create a pet
      responses:
        "201":
          description: Created
  /stores/{storeId}:
    delete:
      tags: [stores]
      operationId: deleteStore
      summary: Close a store
      responses:
        "204":
          description: Closed
`;

// The first bytes of a PNG: signature and the start of an IHDR chunk.
export const pngBytes = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
  0x00, 0x01,
]);
