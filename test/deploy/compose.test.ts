// deploy/compose.yaml: no Compose CLI runs here, so it is validated against the compose-spec JSON
// schema and lint rules by dclint (npm), a broken file must fail that, and the deployment shape
// (replicas, health-gated start order, mounts of files that exist) is checked on the parsed file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const deployDir = path.join(root, 'deploy');
const composeFile = path.join(deployDir, 'compose.yaml');
const dclint = (file: string) => {
  const r = spawnSync(
    path.join(root, 'node_modules/.bin/dclint'),
    [file, '-c', path.join(deployDir, 'dclint.yaml'), '--max-warnings', '0', '--color', 'false'],
    { encoding: 'utf8' },
  );
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Service {
  image?: string;
  command?: string[];
  profiles?: string[];
  deploy?: { replicas?: number };
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: string[];
  env_file?: Array<{ path: string }>;
  environment?: Record<string, string>;
  restart?: string;
}
const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;

describe('deploy/compose.yaml', { timeout: 60_000 }, () => {
  it('is valid against the compose-spec schema and passes dclint', () => {
    const r = dclint(composeFile);
    expect(r.output.trim()).toBe('');
    expect(r.code).toBe(0);
  });

  it('fails validation when broken', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-compose-'));
    dirs.push(dir);
    const broken = path.join(dir, 'compose.yaml');
    writeFileSync(
      broken,
      readFileSync(composeFile, 'utf8').replace(
        'condition: service_completed_successfully',
        'condition: finished',
      ),
    );
    const r = dclint(broken);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/condition|enum|schema/i);
  });

  it('runs API and worker replicas behind nginx, health-gated, with everything the issue lists', () => {
    expect(services.api?.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(services.worker?.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(services.api?.command).toEqual(['serve']);
    expect(services.worker?.command).toEqual(['worker']);
    expect(services.migrate?.command).toEqual(['migrate']);
    expect(services.postgres?.image).toMatch(/^pgvector\/pgvector:pg\d+$/);
    expect(services.redis?.image).toMatch(/^redis:/);
    expect(services.ollama?.profiles).toEqual(['ollama']);
    expect(services.backup?.command?.join(' ')).toMatch(/backup --out \/backups --keep \d+.*backup verify/s);
    // API replicas leave jobs to the workers and trust nginx's forwarded headers.
    expect(services.api?.environment?.WORKER_IN_PROCESS).toBe('false');
    expect(services.api?.environment?.TRUST_PROXY).toBe('true');
    // Secrets come from an env file, not from the compose file.
    expect(services.api?.env_file?.[0]?.path).toBe('./blogsmith.env');
    expect(existsSync(path.join(deployDir, 'blogsmith.env.example'))).toBe(true);
    expect(readFileSync(composeFile, 'utf8')).not.toMatch(/SECRET_KEY:|_API_KEY:/);

    // Start order: every dependency is waited for by health or completion, and has a healthcheck to wait on.
    for (const [name, service] of Object.entries(services)) {
      const deps = service.depends_on;
      if (!deps || Array.isArray(deps)) continue;
      for (const [dep, { condition }] of Object.entries(deps)) {
        expect(['service_healthy', 'service_completed_successfully'], `${name} → ${dep}`).toContain(
          condition,
        );
        if (condition === 'service_healthy')
          expect(services[dep]?.healthcheck, `${dep} healthcheck`).toBeDefined();
      }
    }
    expect(services.api?.depends_on).toMatchObject({
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(services.nginx?.depends_on).toMatchObject({ api: { condition: 'service_healthy' } });

    // Every file or directory mounted from the repository exists.
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (source.startsWith('.'))
          expect(existsSync(path.join(deployDir, source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it("gives the image's services volumes its user can write, and a healthcheck that fits each", () => {
    // A new named volume takes the owner of the image's folder it is mounted on: the Dockerfile must
    // create and chown it, or the unprivileged user cannot write there (backups failed every day).
    const dockerfile = readFileSync(path.join(deployDir, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
    const owned = (/chown blogsmith:blogsmith ((?:\/\S+\s*)+)/.exec(dockerfile)?.[1] ?? '')
      .trim()
      .split(/\s+/);
    const imageHealthcheck = /HEALTHCHECK[^\n]*CMD \["node", "deploy\/healthcheck\.mjs"\]/.test(dockerfile);
    expect(imageHealthcheck).toBe(true);
    const named = new Set(Object.keys(compose.volumes ?? {}));
    const ofImage = Object.entries(services).filter(([, s]) => s.image === services.api?.image);
    expect(ofImage.map(([name]) => name).sort()).toEqual(['api', 'backup', 'migrate', 'worker']);
    for (const [name, service] of ofImage) {
      for (const volume of service.volumes ?? []) {
        const [source, target] = volume.split(':') as [string, string];
        if (named.has(source)) expect(owned, `${name}: ${target}`).toContain(target);
      }
      // The image's check asks the API or the worker's metrics port; a service running neither
      // (the backup loop) has its own check, or it shows unhealthy for ever.
      const runsServer = ['serve', 'worker'].includes(service.command?.[0] ?? 'serve');
      if (!runsServer && service.restart !== 'no')
        expect(service.healthcheck?.test?.join(' '), name).not.toMatch(/healthcheck\.mjs/);
    }
    expect(services.backup?.healthcheck?.test?.join(' ')).toMatch(/\/backups.*blogsmith-backup-/);
  });

  it('ships a Prometheus config that promtool accepts', () => {
    const r = spawnSync('promtool', ['check', 'config', path.join(deployDir, 'prometheus/prometheus.yml')], {
      encoding: 'utf8',
    });
    expect(`${r.stdout}${r.stderr}`).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });
});
