// `blogsmith models` lists providers, roles and the resolved model chains (never a credential);
// `blogsmith models check` sends one tiny real request per model and prints latency or the error.
// The model code (and through it the provider SDKs) is imported when a command runs, not at start-up:
// `blogsmith --help` stays fast.
import type { Command } from 'commander';
import { loadConfig } from '../load-config.ts';

const modelModules = async () => {
  const [{ describeModels }, { probeModels }, { resolveModels }] = await Promise.all([
    import('../../llm/describe.ts'),
    import('../../llm/probe.ts'),
    import('../../llm/resolve-models.ts'),
  ]);
  return { describeModels, probeModels, resolveModels };
};

const structuredLabel = (rung: string | null | undefined) =>
  rung === undefined ? '' : `  structured output: ${rung ?? 'none (no rung gave valid JSON)'}`;

export function registerModelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description('List LLM providers, roles and the models each role resolves to')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { describeModels, resolveModels } = await modelModules();
      const view = describeModels(resolveModels(await loadConfig()));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
        return;
      }
      const lines = ['Providers:'];
      for (const p of view.providers)
        lines.push(
          `  ${p.name.padEnd(11)} ${p.configured ? `configured (${p.source})` : 'not configured'}${p.baseUrl ? `  ${p.baseUrl}` : ''}`,
        );
      lines.push('', 'Roles (primary first, then fallbacks):');
      for (const [role, chain] of Object.entries(view.roles))
        lines.push(
          `  ${role.padEnd(9)} ${chain.length > 0 ? chain.join(' → ') : '(no model: configure a provider)'}`,
        );
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  models
    .command('check')
    .description(
      'Make one tiny real call per configured model and report latency or the exact error, and the structured-output rung each text model handles (json_schema, json_object, tool, text)',
    )
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = await loadConfig();
      const { probeModels, resolveModels } = await modelModules();
      const results = await probeModels(resolveModels(config), {
        timeoutMs: config.LLM_TIMEOUT_SECONDS * 1000,
        embeddingDimensions: config.EMBEDDING_DIMENSIONS,
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else if (results.length === 0) process.stdout.write('No model is configured.\n');
      else
        for (const r of results)
          process.stdout.write(
            `${r.ok ? 'ok  ' : 'FAIL'} ${r.model} (${r.kind}) ${r.latencyMs} ms${structuredLabel(r.structuredOutput)}${r.error ? `\n     ${r.error}` : ''}\n`,
          );
      if (results.length === 0 || results.some((r) => !r.ok)) process.exitCode = 1;
    });
}
