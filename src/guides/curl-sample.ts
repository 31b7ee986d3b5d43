// A request as a curl command for a POSIX shell. Credentials are read from environment variables
// in double quotes after the single-quoted fixed text ('Authorization: Bearer '"$TOKEN"), so neither
// the spec's text nor a credential's value is ever read by the shell as code.
import type { RequestPlan } from './request-plan.ts';
import { encoded, queryString, shellQuote } from './sample-literals.ts';

const envRef = (name: string) => `"$${name}"`;

export function curlSample(plan: RequestPlan): string {
  const staticQuery = queryString(plan.query);
  const keyParams = plan.auth.flatMap((a) => (a.in === 'query' ? [a] : []));
  // The fixed text up to each credential in one quoted word: 'https://…/pets?api_key='"$API_KEY".
  let fixed = `${plan.baseUrl}${plan.path}${staticQuery ? `?${staticQuery}` : ''}`;
  let url = '';
  keyParams.forEach((a, i) => {
    const joiner = staticQuery || i > 0 ? '&' : '?';
    url += `${shellQuote(`${fixed}${joiner}${encoded(a.name)}=`)}${envRef(a.env)}`;
    fixed = '';
  });
  if (fixed) url += shellQuote(fixed);
  const method = plan.method === 'GET' ? [] : plan.method === 'HEAD' ? ['--head'] : [`-X ${plan.method}`];
  const lines = [`curl ${[...method, url].join(' ')}`];
  for (const [name, value] of plan.headers) lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  for (const a of plan.auth) {
    if (a.in === 'header') lines.push(`-H ${shellQuote(`${a.name}: ${a.prefix}`)}${envRef(a.env)}`);
    if (a.in === 'basic') lines.push(`-u "$${a.userEnv}:$${a.passwordEnv}"`);
  }
  const cookies = plan.cookies.map(([k, v]) => shellQuote(`${k}=${v}`));
  for (const a of plan.auth)
    if (a.in === 'cookie') cookies.push(`${shellQuote(`${a.name}=`)}${envRef(a.env)}`);
  if (cookies.length > 0) lines.push(`--cookie ${cookies.join(`'; '`)}`);
  const body = plan.body;
  if (body?.kind === 'json') {
    lines.push(`-H ${shellQuote(`Content-Type: ${body.contentType}`)}`);
    lines.push(`--data ${shellQuote(JSON.stringify(body.value, null, 2))}`);
  } else if (body?.kind === 'form') {
    for (const [k, v] of body.fields) lines.push(`--data-urlencode ${shellQuote(`${k}=${v}`)}`);
  } else if (body?.kind === 'multipart') {
    // --form-string: a value starting with @ or < is sent as it is, not read from a file.
    for (const f of body.fields)
      lines.push(
        'file' in f
          ? `-F ${shellQuote(`${f.name}=@${f.file}`)}`
          : `--form-string ${shellQuote(`${f.name}=${f.value}`)}`,
      );
  } else if (body?.kind === 'text') {
    lines.push(`-H ${shellQuote(`Content-Type: ${body.contentType}`)}`);
    lines.push(`--data-binary ${shellQuote(body.text)}`);
  } else if (body?.kind === 'file') {
    lines.push(`-H ${shellQuote(`Content-Type: ${body.contentType}`)}`);
    lines.push(`--data-binary ${shellQuote(`@${body.file}`)}`);
  }
  return lines.join(' \\\n  ');
}
