// The web app's API types are generated from the OpenAPI document the server serves; this fails
// when a route's zod schema changed and `npm run gen:api` was not run (the checked-in file is stale).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateApiTypes, schemaFile } from '../../web/gen-api.ts';

describe('generated API types', () => {
  let generated = '';
  // Builds the whole app on an in-memory embedded database (migrations included): slow on a busy machine.
  beforeAll(async () => {
    generated = await generateApiTypes();
  }, 180_000);

  it('web/src/api/schema.d.ts is what `npm run gen:api` writes today', () => {
    const checkedIn = readFileSync(schemaFile, 'utf8');
    expect(checkedIn === generated, 'web/src/api/schema.d.ts is stale: run `npm run gen:api`').toBe(true);
  });

  it('describes resources as bare objects and lists as {items, nextCursor}', () => {
    // The documented shape changes (README, Changelog): no {document: …} wrapper, no `results` lists.
    expect(generated).not.toMatch(/^\s+document: \{$/m);
    expect(generated).not.toMatch(/^\s+results: /m);
    expect(generated).toMatch(/^\s+nextCursor: string \| null;$/m);
  });
});
