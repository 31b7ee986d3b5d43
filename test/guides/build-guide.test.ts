// The guide's sample generator over specs shaped like real ones: the request each operation's
// samples send (server variables, path and query parameters, credentials, a nested JSON body), the
// same in every language, quoting that keeps the spec's text as text, and the refusals a brief gets.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGuide, type GuideBuild, listOperations } from '../../src/guides/build-guide.ts';
import { maxExampleValues } from '../../src/guides/example-value.ts';
import { sampleLanguages } from '../../src/guides/languages.ts';
import { awkwardName, billing31, petstore, shopSwagger } from './specs.ts';

const all = { languages: sampleLanguages };

function built(text: string, choices: Parameters<typeof buildGuide>[1] = all): GuideBuild {
  const outcome = buildGuide(text, choices);
  if ('issues' in outcome) throw new Error(JSON.stringify(outcome.issues));
  return outcome.guide;
}

const sample = (guide: GuideBuild, key: string, language: string) =>
  guide.operations.find((o) => o.key === key)?.samples.find((s) => s.language === language)?.code;

const dir = mkdtempSync(join(tmpdir(), 'guide-samples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('samples from an OpenAPI 3.0 spec', () => {
  const guide = built(JSON.stringify(petstore(8080)));

  it('reads the API and its server, its variables at their defaults', () => {
    expect(guide.api).toMatchObject({
      title: 'Pet Store',
      version: '2.1.0',
      specVersion: '3.0.3',
      baseUrl: 'http://127.0.0.1:8080/v1',
      baseUrlAssumed: false,
    });
    expect(guide.operations.map((o) => [o.key, o.method, o.path])).toEqual([
      ['listPets', 'GET', '/pets'],
      ['createPet', 'POST', '/pets'],
      ['showPetById', 'GET', '/pets/{petId}'],
      ['deletePet', 'DELETE', '/pets/{petId}'],
    ]);
  });

  it('sends the required query and the bearer token, in every language', () => {
    expect(sample(guide, 'listPets', 'curl')).toBe(
      [
        `curl 'http://127.0.0.1:8080/v1/pets?limit=2' \\`,
        `  -H 'Accept: application/json' \\`,
        `  -H 'Authorization: Bearer '"$BEARER_AUTH_TOKEN"`,
      ].join('\n'),
    );
    expect(sample(guide, 'listPets', 'javascript')).toBe(
      [
        `const response = await fetch('http://127.0.0.1:8080/v1/pets?limit=2', {`,
        '  headers: {',
        `    Accept: 'application/json',`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample's own template literal
        '    Authorization: `Bearer ${process.env.BEARER_AUTH_TOKEN}`,',
        '  },',
        '});',
        'if (!response.ok) {',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample's own template literal
        '  throw new Error(`Request failed: ${response.status} ${await response.text()}`);',
        '}',
        'console.log(JSON.stringify(await response.json(), null, 2));',
      ].join('\n'),
    );
    expect(sample(guide, 'listPets', 'python')).toBe(
      [
        'import json',
        'import os',
        '',
        'import requests',
        '',
        'response = requests.get(',
        '    "http://127.0.0.1:8080/v1/pets",',
        '    params={',
        '        "limit": "2",',
        '    },',
        '    headers={',
        '        "Accept": "application/json",',
        '        "Authorization": "Bearer " + os.environ["BEARER_AUTH_TOKEN"],',
        '    },',
        '    timeout=30,',
        ')',
        'response.raise_for_status()',
        'print(json.dumps(response.json(), indent=2))',
      ].join('\n'),
    );
    // An optional parameter without an example is left out: a made-up value could change the answer.
    expect(sample(guide, 'listPets', 'curl')).not.toContain('tag=');
    expect(guide.operations[0]!.env).toEqual(['BEARER_AUTH_TOKEN']);
  });

  it('fills a path parameter from its example and sends an operation’s own API key header', () => {
    expect(sample(guide, 'showPetById', 'curl')).toContain(`'http://127.0.0.1:8080/v1/pets/42'`);
    const del = guide.operations.find((o) => o.key === 'deletePet')!;
    expect(del.env).toEqual(['ADMIN_KEY']);
    expect(sample(guide, 'deletePet', 'curl')).toBe(
      [`curl -X DELETE 'http://127.0.0.1:8080/v1/pets/42' \\`, `  -H 'X-Admin-Key: '"$ADMIN_KEY"`].join('\n'),
    );
    // 204: nothing to read but the status.
    expect(sample(guide, 'deletePet', 'javascript')).toMatch(/console\.log\(response\.status\);$/);
    expect(sample(guide, 'deletePet', 'python')).toMatch(/print\(response\.status_code\)$/);
  });

  it('builds the JSON body from the nested schema: $refs followed, read-only fields left out', () => {
    const curl = sample(guide, 'createPet', 'curl')!;
    const json = /--data '([\s\S]*)'$/.exec(curl)![1]!.replaceAll(`'\\''`, "'");
    expect(JSON.parse(json)).toEqual({
      name: awkwardName,
      birthday: '2024-01-15',
      owner: { email: 'user@example.com', address: { street: 'string', city: 'Lisbon' } },
      tags: [{ label: 'dog' }],
    });
    expect(curl).toContain(`-H 'Content-Type: application/json'`);
    expect(sample(guide, 'createPet', 'javascript')).toContain("      address: {\n        street: 'string',");
    expect(sample(guide, 'createPet', 'python')).toContain('    json={\n        "name": ');
  });

  it('keeps the spec’s quotes, $(…), backticks and backslashes as text in each language', () => {
    // Each literal, evaluated by the language itself, is the spec's value again.
    const js = sample(guide, 'createPet', 'javascript')!;
    const literal = /\n {4}name: ('.*'),\n/.exec(js)![1]!;
    expect(new Function(`return ${literal};`)()).toBe(awkwardName);
    const shellWord = /--data ('[\s\S]*')$/.exec(sample(guide, 'createPet', 'curl')!)![1]!;
    const echoed = execFileSync('sh', ['-c', `printf '%s' ${shellWord}`], { encoding: 'utf8' });
    expect(JSON.parse(echoed).name).toBe(awkwardName);
    const python = spawnSync('python3', ['--version']);
    if (python.status === 0) {
      const pyLiteral = /\n {8}"name": (".*"),\n/.exec(sample(guide, 'createPet', 'python')!)![1]!;
      const value = execFileSync('python3', ['-c', `import sys; sys.stdout.write(${pyLiteral})`], {
        encoding: 'utf8',
      });
      expect(value).toBe(awkwardName);
    }
  });

  it('writes JavaScript that Node parses as a module', () => {
    for (const op of guide.operations) {
      const file = join(dir, `${op.key}.mjs`);
      writeFileSync(file, sample(guide, op.key, 'javascript')!);
      expect(spawnSync(process.execPath, ['--check', file]).status, op.key).toBe(0);
    }
  });

  it('writes only the languages asked for, and the operations asked for in their order', () => {
    const some = built(JSON.stringify(petstore(8080)), {
      languages: ['python'],
      operations: ['DELETE /pets/{petId}', 'listPets'],
    });
    expect(some.operations.map((o) => o.key)).toEqual(['deletePet', 'listPets']);
    expect(some.operations.every((o) => o.samples.map((s) => s.language).join() === 'python')).toBe(true);
  });
});

describe('samples from a Swagger 2.0 spec in YAML', () => {
  const guide = built(shopSwagger(8080));

  it('takes the server from scheme, host and base path, and sends the API key in the query', () => {
    expect(guide.api.baseUrl).toBe('http://127.0.0.1:8080/api');
    expect(sample(guide, 'getOrder', 'curl')).toBe(
      [
        `curl 'http://127.0.0.1:8080/api/orders/7?api_key='"$API_KEY" \\`,
        `  -H 'Accept: application/json'`,
      ].join('\n'),
    );
    expect(sample(guide, 'getOrder', 'javascript')).toContain(
      "const url = new URL('http://127.0.0.1:8080/api/orders/7');\nurl.searchParams.set('api_key', process.env.API_KEY);",
    );
    expect(sample(guide, 'getOrder', 'python')).toContain('"api_key": os.environ["API_KEY"],');
  });

  it('reads a body parameter as the JSON body and formData parameters as a form', () => {
    const placeOrder = /--data '([\s\S]*)'$/.exec(sample(guide, 'placeOrder', 'curl')!)![1]!;
    expect(JSON.parse(placeOrder)).toEqual({
      items: [{ sku: 'SKU-1', quantity: 1 }],
      shipTo: { name: 'string', postcode: '1000-001' },
    });
    expect(sample(guide, 'addNote', 'curl')).toContain(
      `--data-urlencode 'text=Leave it at the door' \\\n  --data-urlencode 'urgent=true'`,
    );
    expect(sample(guide, 'addNote', 'javascript')).toContain(
      "body: new URLSearchParams({\n    text: 'Leave it at the door',\n    urgent: 'true',\n  }),",
    );
    expect(sample(guide, 'addNote', 'python')).toContain(
      '    data={\n        "text": "Leave it at the door",',
    );
  });
});

describe('samples from an OpenAPI 3.1 spec', () => {
  it('puts a relative server on a placeholder host, said so, or on the address the spec came from', () => {
    expect(built(JSON.stringify(billing31())).api).toMatchObject({
      baseUrl: 'https://api.example.com/v3',
      baseUrlAssumed: true,
    });
    const fetched = built(JSON.stringify(billing31()), {
      ...all,
      specUrl: 'https://billing.example.org/docs/openapi.json',
    });
    expect(fetched.api).toMatchObject({ baseUrl: 'https://billing.example.org/v3', baseUrlAssumed: false });
  });

  it('names an operation without an operationId by its method and path, and sends basic auth and a cookie', () => {
    const guide = built(JSON.stringify(billing31()));
    const invoice = guide.operations[0]!;
    expect(invoice.key).toBe('GET /invoices/{invoiceId}');
    expect(invoice.env).toEqual(['BASIC_AUTH_USERNAME', 'BASIC_AUTH_PASSWORD']);
    const curl = sample(guide, invoice.key, 'curl')!;
    expect(curl).toContain('/invoices/3fa85f64-5717-4562-b3fc-2c963f66afa6');
    expect(curl).toContain(`-u "$BASIC_AUTH_USERNAME:$BASIC_AUTH_PASSWORD"`);
    expect(curl).toContain(`--cookie 'session=abc123'`);
    expect(sample(guide, invoice.key, 'python')).toContain(
      'auth=(os.environ["BASIC_AUTH_USERNAME"], os.environ["BASIC_AUTH_PASSWORD"]),',
    );
  });

  it('uploads a multipart body with its file field from a local file', () => {
    const guide = built(JSON.stringify(billing31()));
    const attach = guide.operations.find((o) => o.key === 'attach')!;
    expect(attach.files).toEqual(['file.bin']);
    expect(sample(guide, 'attach', 'curl')).toContain(
      `--form-string 'note=Signed copy' \\\n  -F 'file=@file.bin'`,
    );
    expect(sample(guide, 'attach', 'javascript')).toContain(
      "form.append('file', new Blob([await readFile('file.bin')]), 'file.bin');",
    );
    expect(sample(guide, 'attach', 'python')).toContain('"file": open("file.bin", "rb"),');
    // A text answer is printed as text.
    expect(sample(guide, 'attach', 'python')).toMatch(/print\(response\.text\)$/);
  });
});

describe('what refuses a guide', () => {
  const issues = (text: string, operations?: string[]) => {
    const outcome = buildGuide(text, { ...all, ...(operations ? { operations } : {}) });
    return 'issues' in outcome ? outcome.issues : [];
  };

  it('a document that is not an OpenAPI spec, or one without operations', () => {
    expect(issues('# Just notes\n\nNothing here.')).toEqual([
      {
        path: 'guide.specDocumentId',
        message: expect.stringMatching(/not an OpenAPI document: .*`openapi: 3.x` or `swagger: "2.0"`/),
      },
    ]);
    expect(
      issues(JSON.stringify({ openapi: '3.1.0', info: { title: 'x', version: '1' }, paths: {} }))[0]!.message,
    ).toMatch(/declares no operations/);
    expect(listOperations('{"hello": "world"}')).toEqual({
      problem: expect.stringMatching(/not an OpenAPI document/),
    });
  });

  it('an operation the spec does not have, named at its index with the ones it has', () => {
    const found = issues(JSON.stringify(petstore()), ['listPets', 'adoptPet']);
    expect(found).toEqual([
      {
        path: 'guide.operations.1',
        message: expect.stringContaining('no operation "adoptPet"'),
      },
    ]);
    expect(found[0]!.message).toContain('listPets, createPet, showPetById, deletePet');
  });

  it('more operations than a guide explains, unless the brief picks some', () => {
    const paths = Object.fromEntries(
      Array.from({ length: 13 }, (_, i) => [
        `/things/${i}`,
        { get: { operationId: `thing${i}`, responses: { '200': { description: 'ok' } } } },
      ]),
    );
    const big = JSON.stringify({ openapi: '3.0.0', info: { title: 'Big', version: '1' }, paths });
    expect(issues(big)).toEqual([
      { path: 'guide.operations', message: expect.stringMatching(/13 operations.*at most 12/) },
    ]);
    expect(issues(big, ['thing3', 'thing12'])).toEqual([]);
  });

  it('a reference the spec does not contain (another file)', () => {
    const spec = petstore();
    spec.paths['/pets'].post.requestBody.content['application/json'].schema = {
      $ref: 'schemas.yaml#/NewPet',
    } as never;
    expect(issues(JSON.stringify(spec), ['createPet'])).toEqual([
      { path: 'guide.operations.0', message: expect.stringContaining('schemas.yaml#/NewPet') },
    ]);
  });
});

describe('specs that would make a sample without end', () => {
  const withBody = (schemas: Record<string, unknown>, body: unknown, pathExample?: string) =>
    JSON.stringify({
      openapi: '3.0.0',
      info: { title: 'Odd', version: '1' },
      components: { schemas },
      paths: {
        '/things/{id}': {
          post: {
            operationId: 'make',
            parameters: [
              {
                name: 'id',
                in: 'path',
                required: true,
                schema: { type: 'string' },
                example: pathExample ?? 'x',
              },
            ],
            requestBody: { content: { 'application/json': { schema: body } } },
            responses: { '200': { description: 'ok' } },
          },
        },
      },
    });

  it('stops an example of objects forty wide and eight deep at its value budget', () => {
    const level = (depth: number): unknown =>
      depth === 0
        ? { type: 'string' }
        : {
            type: 'object',
            properties: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, level(depth - 1)])),
          };
    // Shared by reference: 40^8 values if expanded.
    const wide = level(3);
    const schemas = {
      Deep: {
        type: 'object',
        properties: Object.fromEntries(
          Array.from({ length: 40 }, (_, i) => [`q${i}`, { $ref: '#/components/schemas/Wide' }]),
        ),
      },
      Wide: wide,
    };
    const started = performance.now();
    const guide = built(withBody(schemas, { $ref: '#/components/schemas/Deep' }), { languages: ['curl'] });
    expect(performance.now() - started).toBeLessThan(5_000);
    const json = /--data '([\s\S]*)'$/.exec(guide.operations[0]!.samples[0]!.code)![1]!;
    const values = (v: unknown): number =>
      v && typeof v === 'object' ? 1 + Object.values(v).reduce((n: number, x) => n + values(x), 0) : 1;
    expect(values(JSON.parse(json))).toBeLessThanOrEqual(maxExampleValues + 1);
  });

  it('refuses an operation whose references chain past what it can follow, with the reason', () => {
    const schemas = Object.fromEntries(
      Array.from({ length: 50_000 }, (_, i) => [
        `S${i}`,
        i === 49_999 ? { type: 'string' } : { $ref: `#/components/schemas/S${i + 1}` },
      ]),
    );
    const outcome = buildGuide(withBody(schemas, { $ref: '#/components/schemas/S0' }), all);
    // Either a sample (the chain followed) or a refusal naming the operation, never a thrown error.
    if ('issues' in outcome)
      expect(outcome.issues[0]!.message).toMatch(/^Operation make could not be turned into code samples/);
    else expect(outcome.guide.operations).toHaveLength(1);
  });

  it('percent-encodes a lone surrogate in a path example instead of failing', () => {
    const guide = built(withBody({}, { type: 'object' }, 'a\ud800b'), { languages: ['curl'] });
    expect(guide.operations[0]!.samples[0]!.code).toContain('/things/a%EF%BF%BDb');
  });
});
