// The web app's API types are generated from the OpenAPI document the server serves; this fails
// when a route's zod schema changed and `npm run gen:api` was not run (the checked-in file is stale).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateApiFiles, schemaFile, valuesFile } from '../../web/gen-api.ts';

describe('generated API types', () => {
  let generated = '';
  let values = '';
  // Builds the whole app on an in-memory embedded database (migrations included): slow on a busy machine.
  beforeAll(async () => {
    ({ schema: generated, values } = await generateApiFiles());
  }, 180_000);

  it('web/src/api/schema.d.ts and values.ts are what `npm run gen:api` writes today', () => {
    const stale = 'is stale: run `npm run gen:api`';
    expect(readFileSync(schemaFile, 'utf8') === generated, `web/src/api/schema.d.ts ${stale}`).toBe(true);
    expect(readFileSync(valuesFile, 'utf8') === values, `web/src/api/values.ts ${stale}`).toBe(true);
  });

  it('takes the enumerations the app shows from the document', () => {
    expect(values).toContain('export const scopes = ["articles:read",');
    expect(values).toMatch(/export const llmRoles = \["planner","writer","checker","embedder"\] as const;/);
  });

  it('describes resources as bare objects and lists as {items, nextCursor}', () => {
    // The documented shape changes (README, Changelog): no {document: …} wrapper, no `results` lists.
    expect(generated).not.toMatch(/^\s+document: \{$/m);
    expect(generated).not.toMatch(/^\s+results: /m);
    expect(generated).toMatch(/^\s+nextCursor: string \| null;$/m);
  });
});
