// Runs deploy/nginx as shipped, on loopback ports: the tree is copied to a temp prefix and only
// the deployment-specific lines (certificate paths, ACME webroot, listen ports, upstream, pid) are
// rewritten — each rewrite must match, so a drifted config fails instead of being tested half.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { type Captured, spawnCaptured } from '../support/processes.ts';

export const nginxSource = path.resolve(import.meta.dirname, '../../deploy/nginx');
export const nginxBinary = '/usr/sbin/nginx';

export interface NginxSite {
  prefix: string;
  conf: string;
  httpPort: number;
  httpsPort: number;
  /** PEM of the self-signed certificate (CN and SAN localhost). */
  cert: string;
  acmeDir: string;
}

function rewrite(file: string, replacements: Array<[string | RegExp, string]>) {
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of replacements) {
    const next = text.replaceAll(from, to);
    if (next === text) throw new Error(`${path.basename(file)}: expected to find ${String(from)}`);
    text = next;
  }
  writeFileSync(file, text);
}

export type Rewrite = [string | RegExp, string];

/**
 * `ports.api` is one API process or several (the upstream's replicas). `rewrites` changes more of
 * the tree for a test, per file relative to deploy/nginx (e.g. a rate-limit zone), each must match.
 */
export function prepareNginx(
  dir: string,
  ports: { http: number; https: number; api: number | number[] },
  rewrites: Record<string, Rewrite[]> = {},
): NginxSite {
  const prefix = path.join(dir, 'nginx');
  cpSync(nginxSource, prefix, { recursive: true });
  const tls = path.join(dir, 'tls');
  const acmeDir = path.join(dir, 'acme');
  mkdirSync(tls, { recursive: true });
  mkdirSync(path.join(acmeDir, '.well-known/acme-challenge'), { recursive: true, mode: 0o755 });
  // nginx's workers run unprivileged (nobody): the webroot must be reachable for them.
  chmodSync(dir, 0o755);
  chmodSync(acmeDir, 0o755);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      path.join(tls, 'privkey.pem'),
      '-out',
      path.join(tls, 'fullchain.pem'),
    ],
    { stdio: 'ignore' },
  );
  const conf = path.join(prefix, 'nginx.conf');
  rewrite(conf, [['pid /var/run/nginx.pid;', `pid ${path.join(dir, 'nginx.pid')};`]]);
  // `server api:3000 <parameters>;` becomes one such line per API process; `resolve` goes (an
  // address needs no lookup, and this machine's nginx, 1.22, predates the parameter).
  const apis = ([] as number[]).concat(ports.api);
  rewrite(path.join(prefix, 'conf.d/upstream.conf'), [
    [/server api:3000 resolve([^;]*);/g, apis.map((port) => `server 127.0.0.1:${port}$1;`).join('\n    ')],
  ]);
  for (const [file, replacements] of Object.entries(rewrites)) rewrite(path.join(prefix, file), replacements);
  rewrite(path.join(prefix, 'conf.d/blogsmith.conf'), [
    ['/etc/letsencrypt/live/blogsmith.example.com/', `${tls}/`],
    ['/var/www/certbot', acmeDir],
    ['listen 80;', `listen 127.0.0.1:${ports.http};`],
    ['listen [::]:80;\n', ''],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${ports.https} ssl http2;`],
    ['listen [::]:443 ssl http2;\n', ''],
    ['server_name blogsmith.example.com;', 'server_name localhost;'],
  ]);
  return {
    prefix,
    conf,
    httpPort: ports.http,
    httpsPort: ports.https,
    cert: readFileSync(path.join(tls, 'fullchain.pem'), 'utf8'),
    acmeDir,
  };
}

/** `nginx -t` on the prepared tree: exit code and output (nginx writes its verdict on stderr). */
export function nginxTest(site: NginxSite): { code: number | null; output: string } {
  const r = spawnSync(nginxBinary, ['-t', '-p', site.prefix, '-e', 'stderr', '-c', site.conf], {
    encoding: 'utf8',
  });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

export type RunningNginx = Captured;

export async function startNginx(site: NginxSite): Promise<RunningNginx> {
  const nginx = spawnCaptured(nginxBinary, [
    '-p',
    site.prefix,
    '-e',
    'stderr',
    '-c',
    site.conf,
    '-g',
    'daemon off;',
  ]);
  // Ready once it answers on the HTTP port.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (nginx.child.exitCode !== null) throw new Error(`nginx exited:\n${nginx.output()}`);
    try {
      await fetch(`http://127.0.0.1:${site.httpPort}/`, { redirect: 'manual' });
      break;
    } catch {
      if (Date.now() > deadline) {
        await nginx.stop('SIGKILL');
        throw new Error(`nginx did not start:\n${nginx.output()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // SIGQUIT: nginx's graceful shutdown.
  return { ...nginx, stop: (signal = 'SIGQUIT') => nginx.stop(signal) };
}

export interface HttpsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** HTTPS to the site, trusting only its self-signed certificate. */
export function httpsRequest(
  site: NginxSite,
  pathname: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    onData?: (chunk: string) => boolean;
  } = {},
): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: site.httpsPort,
        servername: 'localhost',
        ca: site.cert,
        path: pathname,
        method: opts.method ?? 'GET',
        headers: { host: 'localhost', ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          // The caller may end a stream early (e.g. SSE once `done` arrived).
          if (opts.onData?.(c.toString('utf8'))) res.destroy();
        });
        const finish = () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        res.once('end', finish);
        res.once('close', finish);
      },
    );
    req.once('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}
