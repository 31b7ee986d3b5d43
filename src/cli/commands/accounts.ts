// `user create`, `user password`, `apikey create`: identity administration without the HTTP server.
// The runtime and account services are imported when a command runs: `blogsmith --help` stays fast.
import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import type { Runtime } from '../../runtime.ts';
import { loadConfig } from '../load-config.ts';
import { checkOptions } from '../option-parsers.ts';

async function withRuntime<T>(command: string, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = await loadConfig();
  const { createRuntime } = await import('../../runtime.ts');
  const { cliLogger } = await import('../cli-logger.ts');
  const runtime = await createRuntime(config, { logger: cliLogger(), command: `CLI (${command})` });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

export function registerAccountCommands(program: Command) {
  const user = program.command('user').description('Manage users');
  user
    .command('create')
    .description('Create a user and a workspace they own')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--password <password>', 'password (at least 8 characters)')
    .option('--name <name>', 'display name')
    .option('--workspace <name>', 'name of their workspace')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        email: string;
        password: string;
        name?: string;
        workspace?: string;
        json?: boolean;
      }) => {
        const { newAccountInput } = await import('../../accounts/account-input.ts');
        const input = checkOptions(
          newAccountInput,
          { email: opts.email, password: opts.password, name: opts.name, workspaceName: opts.workspace },
          { email: '--email', password: '--password', name: '--name', workspaceName: '--workspace' },
        );
        const created = await withRuntime('user create', async (runtime) => {
          const { createUser } = await import('../../accounts/users.ts');
          const { audit } = await import('../../accounts/audit.ts');
          const result = await createUser(runtime.database, input);
          await audit(runtime.database, {
            workspaceId: result.workspace.id,
            actorUserId: result.user.id,
            action: 'cli.user_created',
            target: result.user.email,
          });
          return result;
        });
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(created)}\n`
            : `Created ${created.user.email} (owner of "${created.workspace.name}")\n`,
        );
      },
    );

  user
    .command('password')
    .description("Set a user's password (a forgotten one) and sign out all their sessions")
    .requiredOption('--email <email>', 'the user')
    .requiredOption('--password <password>', 'the new password (at least 8 characters)')
    .option('--json', 'print JSON')
    .action(async (opts: { email: string; password: string; json?: boolean }) => {
      const { newAccountInput } = await import('../../accounts/account-input.ts');
      const input = checkOptions(
        newAccountInput.pick({ email: true, password: true }),
        { email: opts.email, password: opts.password },
        { email: '--email', password: '--password' },
      );
      const reset = await withRuntime('user password', async (runtime) => {
        const { resetPassword } = await import('../../accounts/password-change.ts');
        const { primaryWorkspaceOf } = await import('../../accounts/members.ts');
        const { audit } = await import('../../accounts/audit.ts');
        const result = await resetPassword(runtime, { email: input.email, newPassword: input.password });
        await audit(runtime.database, {
          workspaceId: (await primaryWorkspaceOf(runtime.database, result.user.id))?.id ?? null,
          actorUserId: result.user.id,
          action: 'cli.password_reset',
          target: result.user.email,
          details: { signedOut: result.signedOut },
        });
        return result;
      });
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(reset)}\n`
          : `Password set for ${reset.user.email}; ${reset.signedOut} session(s) signed out\n`,
      );
    });

  const apikey = program.command('apikey').description('Manage API keys');
  apikey
    .command('create')
    .description("Create an API key in the user's workspace; prints only the key")
    .requiredOption('--email <email>', 'the user the key acts for')
    .requiredOption('--name <name>', 'a name to recognise the key by')
    .option('--scopes <list>', 'comma-separated scopes (default: all the user’s role allows)')
    .option('--json', 'print JSON with the key and its metadata')
    .action(async (opts: { email: string; name: string; scopes?: string; json?: boolean }) => {
      const { newApiKeyInput } = await import('../../accounts/account-input.ts');
      const input = checkOptions(
        newApiKeyInput,
        {
          name: opts.name,
          scopes: opts.scopes
            ?.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        },
        { name: '--name', scopes: '--scopes' },
      );
      const created = await withRuntime('apikey create', async (runtime) => {
        const { findUserByEmail } = await import('../../accounts/users.ts');
        const { primaryWorkspaceOf } = await import('../../accounts/members.ts');
        const { createApiKey } = await import('../../accounts/api-keys.ts');
        const { audit } = await import('../../accounts/audit.ts');
        const found = await findUserByEmail(runtime.database, opts.email);
        if (!found) throw new AppError('not_found', `No user with email ${opts.email}`);
        const workspace = await primaryWorkspaceOf(runtime.database, found.id);
        if (!workspace) throw new AppError('not_found', `${opts.email} belongs to no workspace`);
        const result = await createApiKey(runtime.database, {
          workspaceId: workspace.id,
          userId: found.id,
          ...input,
        });
        await audit(runtime.database, {
          workspaceId: workspace.id,
          actorUserId: found.id,
          action: 'api_key.created',
          target: result.apiKey.id,
          details: { via: 'cli', name: result.apiKey.name, prefix: result.apiKey.prefix },
        });
        return { ...result, workspace };
      });
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ key: created.key, ...created.apiKey, workspaceId: created.workspace.id })}\n`
          : `${created.key}\n`,
      );
    });
}
