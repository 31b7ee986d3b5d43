// deploy/prometheus checked by the real promtool: the rules load, every alert has unit tests
// that pass (`promtool test rules`), and a broken expectation makes it fail.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const source = path.resolve(import.meta.dirname, '../../deploy/prometheus');
const rulesFile = path.join(source, 'rules/blogsmith.rules.yml');
const testsFile = path.join(source, 'tests/blogsmith.test.yml');
const promtool = (...args: string[]) => {
  const r = spawnSync('promtool', args, { encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface RuleGroups {
  groups: Array<{ rules: Array<{ alert?: string; annotations?: Record<string, string> }> }>;
}
const alerts = (parse(readFileSync(rulesFile, 'utf8')) as RuleGroups).groups.flatMap((g) => g.rules);

describe('deploy/prometheus', { timeout: 60_000 }, () => {
  it('rules pass promtool check rules', () => {
    const r = promtool('check', 'rules', rulesFile);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });

  it('covers every alert the issue asks for, each with a runbook link and unit tests', () => {
    const names = alerts.map((a) => a.alert);
    for (const wanted of [
      'BlogsmithHighErrorRate',
      'BlogsmithHighLatencyP95',
      'BlogsmithQueueBacklog',
      'BlogsmithOldestJobTooOld',
      'BlogsmithWorkerAbsent',
      'BlogsmithPipelineFailureRatio',
      'BlogsmithLlmFailureRate',
      'BlogsmithLlmFallbackRate',
      'BlogsmithBudgetNearlySpent',
      'BlogsmithWebhookDeliveriesFailing',
      'BlogsmithDatabaseDown',
      'BlogsmithRedisDown',
      'BlogsmithDataDirDiskLow',
    ]) {
      expect(names).toContain(wanted);
    }
    const tests = parse(readFileSync(testsFile, 'utf8')) as {
      tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
    };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    const operations = readFileSync(path.resolve(source, '../../docs/operations.md'), 'utf8');
    for (const alert of alerts) {
      const name = alert.alert as string;
      // Each alert is shown both firing and quiet.
      expect(
        cases.some((c) => c.alertname === name && c.exp_alerts.length > 0),
        `${name} fires`,
      ).toBe(true);
      expect(
        cases.some((c) => c.alertname === name && c.exp_alerts.length === 0),
        `${name} quiet`,
      ).toBe(true);
      const anchor = name.toLowerCase();
      expect(alert.annotations?.runbook_url).toMatch(new RegExp(`docs/operations\\.md#${anchor}$`));
      expect(operations, `runbook entry for ${name}`).toMatch(new RegExp(`^### ${name}$`, 'm'));
    }
  });

  it('unit tests pass with promtool test rules, and a wrong expectation fails', () => {
    const r = promtool('test', 'rules', testsFile);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);

    const dir = mkdtempSync(path.join(tmpdir(), 'blogsmith-promtool-'));
    dirs.push(dir);
    cpSync(source, dir, { recursive: true });
    const copy = path.join(dir, 'tests/blogsmith.test.yml');
    writeFileSync(
      copy,
      readFileSync(copy, 'utf8').replace('summary: No Blogsmith worker is up', 'summary: wrong'),
    );
    expect(promtool('test', 'rules', copy).code).not.toBe(0);
  });
});
