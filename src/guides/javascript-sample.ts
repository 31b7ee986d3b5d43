// A request as a JavaScript module for Node.js 18 or later (fetch, top-level await: save it as a
// `.mjs` file). Credentials come from `process.env`; the spec's values are string literals.
import type { RequestPlan } from './request-plan.ts';
import { jsString, literal, queryString } from './sample-literals.ts';

const env = (name: string) => `process.env.${name}`;
const headerKey = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : jsString(name));

export function javascriptSample(plan: RequestPlan): string {
  const prelude: string[] = [];
  const staticQuery = queryString(plan.query);
  const address = jsString(`${plan.baseUrl}${plan.path}${staticQuery ? `?${staticQuery}` : ''}`);
  const keyParams = plan.auth.flatMap((a) => (a.in === 'query' ? [a] : []));
  let target = address;
  if (keyParams.length > 0) {
    prelude.push(`const url = new URL(${address});`);
    for (const a of keyParams) prelude.push(`url.searchParams.set(${jsString(a.name)}, ${env(a.env)});`);
    target = 'url';
  }

  const headers = plan.headers.map(([k, v]) => `${headerKey(k)}: ${jsString(v)}`);
  for (const a of plan.auth) {
    if (a.in === 'header')
      headers.push(`${headerKey(a.name)}: ${a.prefix ? `\`${a.prefix}\${${env(a.env)}}\`` : env(a.env)}`);
    if (a.in === 'basic')
      headers.push(`Authorization: \`Basic \${btoa(\`\${${env(a.userEnv)}}:\${${env(a.passwordEnv)}}\`)}\``);
  }
  const cookies = plan.cookies.map(([k, v]) => `${k}=${v}`.replace(/[`\\$]/g, '\\$&'));
  for (const a of plan.auth) if (a.in === 'cookie') cookies.push(`${a.name}=\${${env(a.env)}}`);
  if (cookies.length > 0) headers.push(`Cookie: \`${cookies.join('; ')}\``);

  let body: string | undefined;
  const b = plan.body;
  if (b?.kind === 'json') {
    headers.push(`'Content-Type': ${jsString(b.contentType)}`);
    body = `JSON.stringify(${literal(b.value, 'javascript', '  ')})`;
  } else if (b?.kind === 'form') {
    const unique = new Set(b.fields.map(([k]) => k)).size === b.fields.length;
    body = unique
      ? `new URLSearchParams(${literal(Object.fromEntries(b.fields), 'javascript', '  ')})`
      : `new URLSearchParams(${literal(b.fields, 'javascript', '  ')})`;
  } else if (b?.kind === 'multipart') {
    prelude.push('const form = new FormData();');
    for (const f of b.fields)
      prelude.push(
        'file' in f
          ? `form.append(${jsString(f.name)}, new Blob([await readFile(${jsString(f.file)})]), ${jsString(f.file)});`
          : `form.append(${jsString(f.name)}, ${jsString(f.value)});`,
      );
    body = 'form';
  } else if (b?.kind === 'text') {
    headers.push(`'Content-Type': ${jsString(b.contentType)}`);
    body = jsString(b.text);
  } else if (b?.kind === 'file') {
    headers.push(`'Content-Type': ${jsString(b.contentType)}`);
    body = `await readFile(${jsString(b.file)})`;
  }
  const imports = plan.files.length > 0 ? ["import { readFile } from 'node:fs/promises';", ''] : [];

  const options = [
    ...(plan.method === 'GET' ? [] : [`method: ${jsString(plan.method)}`]),
    ...(headers.length > 0 ? [`headers: {\n${headers.map((h) => `    ${h},`).join('\n')}\n  }`] : []),
    ...(body ? [`body: ${body}`] : []),
  ];
  const call =
    options.length > 0
      ? `const response = await fetch(${target}, {\n${options.map((o) => `  ${o},`).join('\n')}\n});`
      : `const response = await fetch(${target});`;
  const read =
    plan.response === 'json'
      ? 'console.log(JSON.stringify(await response.json(), null, 2));'
      : plan.response === 'text'
        ? 'console.log(await response.text());'
        : 'console.log(response.status);';
  return [
    ...imports,
    ...prelude,
    ...(prelude.length > 0 ? [''] : []),
    call,
    'if (!response.ok) {',
    `  throw new Error(\`Request failed: \${response.status} \${await response.text()}\`);`,
    '}',
    read,
  ].join('\n');
}
