// A request as a Python 3 script with the requests library. Credentials come from `os.environ`; the
// spec's values are string literals.
import type { RequestPlan } from './request-plan.ts';
import { literal, pyString } from './sample-literals.ts';

const env = (name: string) => `os.environ[${pyString(name)}]`;
const knownMethods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** `{key: value}` lines whose values are already Python expressions. */
function dict(entries: ReadonlyArray<[string, string]>, indent: string): string {
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${indent}    ${pyString(k)}: ${v},`).join('\n')}\n${indent}}`;
}

export function pythonSample(plan: RequestPlan): string {
  const indent = '    ';
  const args: string[] = [pyString(`${plan.baseUrl}${plan.path}`)];
  // Credentials are expressions, not literals; a name given more than once takes a list.
  const query = new Map<string, string[]>();
  const add = (k: string, expr: string) => query.set(k, [...(query.get(k) ?? []), expr]);
  for (const [k, v] of plan.query) add(k, pyString(v));
  for (const a of plan.auth) if (a.in === 'query') add(a.name, env(a.env));
  if (query.size > 0)
    args.push(
      `params=${dict(
        [...query].map(([k, exprs]) => [k, exprs.length === 1 ? exprs[0]! : `[${exprs.join(', ')}]`]),
        indent,
      )}`,
    );
  const headers: Array<[string, string]> = plan.headers.map(([k, v]) => [k, pyString(v)]);
  for (const a of plan.auth)
    if (a.in === 'header')
      headers.push([a.name, a.prefix ? `${pyString(a.prefix)} + ${env(a.env)}` : env(a.env)]);
  const b = plan.body;
  // `json=` sends application/json itself; another JSON type (application/vnd.api+json) is said.
  if (
    (b?.kind === 'json' && b.contentType !== 'application/json') ||
    b?.kind === 'text' ||
    b?.kind === 'file'
  )
    headers.push(['Content-Type', pyString(b.contentType)]);
  if (headers.length > 0) args.push(`headers=${dict(headers, indent)}`);
  const cookies: Array<[string, string]> = plan.cookies.map(([k, v]) => [k, pyString(v)]);
  for (const a of plan.auth) if (a.in === 'cookie') cookies.push([a.name, env(a.env)]);
  if (cookies.length > 0) args.push(`cookies=${dict(cookies, indent)}`);
  for (const a of plan.auth)
    if (a.in === 'basic') args.push(`auth=(${env(a.userEnv)}, ${env(a.passwordEnv)})`);

  if (b?.kind === 'json') args.push(`json=${literal(b.value, 'python', indent)}`);
  else if (b?.kind === 'form') {
    const unique = new Set(b.fields.map(([k]) => k)).size === b.fields.length;
    const pairs = b.fields.map(([k, v]) => `(${pyString(k)}, ${pyString(v)})`);
    args.push(
      unique
        ? `data=${dict(
            b.fields.map(([k, v]) => [k, pyString(v)]),
            indent,
          )}`
        : `data=[${pairs.join(', ')}]`,
    );
  } else if (b?.kind === 'multipart') {
    // Every field in `files`, a text one as (None, value): with `data` alone, requests would send a form.
    const parts = b.fields.map((f): [string, string] => [
      f.name,
      'file' in f ? `open(${pyString(f.file)}, "rb")` : `(None, ${pyString(f.value)})`,
    ]);
    args.push(`files=${dict(parts, indent)}`);
  } else if (b?.kind === 'text') args.push(`data=${pyString(b.text)}.encode("utf-8")`);
  else if (b?.kind === 'file') args.push(`data=open(${pyString(b.file)}, "rb")`);
  args.push('timeout=30');

  const call = knownMethods.has(plan.method)
    ? `requests.${plan.method.toLowerCase()}(`
    : `requests.request(\n${indent}${pyString(plan.method)},`;
  const imports = [
    ...(plan.response === 'json' ? ['import json'] : []),
    ...(plan.env.length > 0 ? ['import os'] : []),
  ];
  const read =
    plan.response === 'json'
      ? 'print(json.dumps(response.json(), indent=2))'
      : plan.response === 'text'
        ? 'print(response.text)'
        : 'print(response.status_code)';
  return [
    ...imports,
    ...(imports.length > 0 ? [''] : []),
    'import requests',
    '',
    `response = ${call}`,
    ...args.map((a) => `${indent}${a},`),
    ')',
    'response.raise_for_status()',
    read,
  ].join('\n');
}
