// `backup`, `backup verify`, `restore`: consistent dumps of either database, checked restores,
// and an explicit account of the secret key (without it, encrypted provider keys are lost).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { SecretOutcome } from '../../backup/restore-backup.ts';
import { lockDataDir } from '../../db/data-dir-lock.ts';
import { AppError } from '../../errors.ts';
import { loadConfig } from '../load-config.ts';
import { checkWritableFolder, positiveInteger } from '../option-parsers.ts';

// The dump code loads the database drivers: imported when a command runs, so `blogsmith --help` stays fast.
const backupModules = async () => ({
  ...(await import('../../backup/create-backup.ts')),
  ...(await import('../../backup/restore-backup.ts')),
  ...(await import('../../backup/verify-backup.ts')),
  ...(await import('../../db/client.ts')),
  ...(await import('../../backup/pglite-dump.ts')),
});

const appVersion = () =>
  (
    JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

const out = (line: string) => process.stdout.write(`${line}\n`);
const warn = (line: string) => process.stderr.write(`Warning: ${line}\n`);

/** The embedded database is one process per directory: backup and restore hold its lock. */
function withDataDirLock<T>(dataDir: string, embedded: boolean, command: string, fn: () => Promise<T>) {
  const lock = embedded ? lockDataDir(dataDir, command) : undefined;
  return fn().finally(() => lock?.release());
}

// Invitation tokens are HMACs under the key (accounts/invitations.ts): a link already sent fails
// under another key as surely as an encrypted provider key does.
export const lostKeysWarning =
  'without the secret key this backup was taken with, the workspaces\u2019 encrypted provider API keys ' +
  'cannot be decrypted after a restore, and pending invitation links stop working (their tokens are ' +
  'signed with the key: invite those people again); everything else restores.';

function describeSecret(outcome: SecretOutcome) {
  switch (outcome.status) {
    case 'restored':
      return out(`Secret key restored to ${outcome.file}.`);
    case 'written-aside':
      return warn(
        `SECRET_KEY differs from the key in this backup. The backup's key was written to ${outcome.file}: ` +
          'set SECRET_KEY to its content, or encrypted provider keys stay unreadable and pending invitation links ' +
          'do not work.',
      );
    case 'matches':
      return out('Secret key: the key in use is the one this backup was taken with.');
    case 'differs':
      return warn(`the secret key in use is not the one this backup was taken with: ${lostKeysWarning}`);
    case 'missing':
      return warn(`no secret key is configured (SECRET_KEY or DATA_DIR/secret.key): ${lostKeysWarning}`);
    case 'none-at-backup':
      return;
  }
}

export function registerBackupCommands(program: Command) {
  const backup = program
    .command('backup')
    .description('Back up the database to one archive (pg_dump on PostgreSQL, PGlite dump when embedded)')
    .option('--out <dir>', 'directory for the archive (default BACKUP_DIR, else DATA_DIR/backups)')
    .option('--keep <n>', 'keep only the newest N backups in that directory', positiveInteger('--keep'))
    .option('--include-secret', 'include the secret key, sealed with BACKUP_PASSPHRASE')
    .option('--json', 'print JSON')
    .action(async (opts: { out?: string; keep?: number; includeSecret?: boolean; json?: boolean }) => {
      const config = await loadConfig();
      const { assertEmbeddedDatabase, createBackup, existingSecretKey, pgliteDirectory } =
        await backupModules();
      if (opts.includeSecret && !config.BACKUP_PASSPHRASE) {
        throw new AppError(
          'validation_error',
          '--include-secret needs BACKUP_PASSPHRASE to seal the key with',
        );
      }
      const outDir = path.resolve(opts.out ?? config.BACKUP_DIR ?? path.join(config.DATA_DIR, 'backups'));
      checkWritableFolder(opts.out ? '--out' : config.BACKUP_DIR ? 'BACKUP_DIR' : 'DATA_DIR/backups', outDir);
      const embedded = !config.DATABASE_URL;
      // Before taking the lock, which would leave an empty DATA_DIR where none was.
      if (embedded) assertEmbeddedDatabase(pgliteDirectory(config.DATA_DIR));
      const secretKey = await existingSecretKey(config.SECRET_KEY, config.DATA_DIR);
      const created = await withDataDirLock(config.DATA_DIR, embedded, 'backup', () =>
        createBackup({
          ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
          pgliteDir: pgliteDirectory(config.DATA_DIR),
          outDir,
          ...(secretKey ? { secretKey } : {}),
          ...(opts.includeSecret && config.BACKUP_PASSPHRASE
            ? { includeSecretWith: config.BACKUP_PASSPHRASE }
            : {}),
          ...(opts.keep ? { keep: opts.keep } : {}),
          appVersion: appVersion(),
        }),
      );
      const { manifest } = created;
      if (opts.json) {
        out(
          JSON.stringify({
            file: created.file,
            pruned: created.pruned,
            futureDated: created.futureDated,
            manifest,
          }),
        );
      } else {
        const rows = Object.values(manifest.inventory.tables).reduce((a, b) => a + b, 0);
        out(
          `Backup written to ${created.file} (${manifest.payload.bytes} bytes of ${manifest.database.kind} dump, ${rows} rows)`,
        );
        for (const file of created.pruned) out(`Removed old backup ${file}`);
      }
      for (const file of created.futureDated)
        warn(
          `${file} is named with a later time than this backup (was the clock ahead?): --keep counts it ` +
            'as the newest and keeps it; remove it, or move it elsewhere, if it is not the newest.',
        );
      if (secretKey && !manifest.secret.included) {
        warn(
          `the secret key is not in this backup. Keep SECRET_KEY (or ${path.join(config.DATA_DIR, 'secret.key')}) ` +
            `safe separately: ${lostKeysWarning} Use --include-secret with BACKUP_PASSPHRASE to seal it into the backup.`,
        );
      }
    });

  backup
    .command('verify <file>')
    .description('Restore a backup into a scratch database and compare row counts and the articles checksum')
    .option('--scratch-url <url>', 'PostgreSQL server for the scratch database (default: DATABASE_URL)')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { scratchUrl?: string; json?: boolean }) => {
      const config = await loadConfig();
      const { verifyBackup } = await backupModules();
      const serverUrl = opts.scratchUrl ?? config.DATABASE_URL;
      const result = await verifyBackup({
        file: path.resolve(file),
        ...(serverUrl ? { serverUrl } : {}),
        ...(config.BACKUP_PASSPHRASE ? { passphrase: config.BACKUP_PASSPHRASE } : {}),
      });
      const ok = result.differences.length === 0 && result.sealedKey !== 'wrong-passphrase';
      if (!opts.json) for (const line of result.warnings) warn(line);
      if (opts.json) out(JSON.stringify({ ok, ...result }));
      else {
        for (const d of result.differences)
          out(`MISMATCH ${d.what}: expected ${d.expected}, restored ${d.actual}`);
        const key = {
          'not-included': 'not included',
          opens: 'included, opens with BACKUP_PASSPHRASE',
          'not-checked': 'included (set BACKUP_PASSPHRASE to check it opens)',
          'wrong-passphrase': 'included, but BACKUP_PASSPHRASE does not open it',
        }[result.sealedKey];
        out(
          `${ok ? 'OK' : 'FAILED'}: ${result.tablesChecked} tables, ${result.rowsChecked} rows and the articles checksum ` +
            `${result.differences.length === 0 ? 'match' : 'do not match'} after restoring into a scratch database. Secret key: ${key}.`,
        );
      }
      if (!ok) process.exitCode = 1;
    });

  program
    .command('restore <file>')
    .description('Restore a backup into the configured database (stop Blogsmith first); replaces its data')
    .option('--without-secret', 'restore the data even though the sealed secret key is not opened')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { withoutSecret?: boolean; json?: boolean }) => {
      const config = await loadConfig();
      const { restoreBackup, pgliteDirectory } = await backupModules();
      const embedded = !config.DATABASE_URL;
      const result = await withDataDirLock(config.DATA_DIR, embedded, 'restore', () =>
        restoreBackup({
          file: path.resolve(file),
          ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
          dataDir: config.DATA_DIR,
          pgliteDir: pgliteDirectory(config.DATA_DIR),
          ...(config.SECRET_KEY ? { secretKeyEnv: config.SECRET_KEY } : {}),
          ...(config.BACKUP_PASSPHRASE ? { passphrase: config.BACKUP_PASSPHRASE } : {}),
          ...(opts.withoutSecret ? { withoutSecret: true } : {}),
        }),
      );
      if (opts.json) out(JSON.stringify(result));
      else {
        out(`Restored ${result.manifest.database.kind} backup of ${result.manifest.createdAt}.`);
        if (result.previous) out(`The previous embedded database was kept at ${result.previous}.`);
        for (const d of result.differences)
          out(`MISMATCH ${d.what}: expected ${d.expected}, restored ${d.actual}`);
        if (result.differences.length === 0) out('Row counts and the articles checksum match the backup.');
        describeSecret(result.secret);
      }
      if (result.differences.length > 0) process.exitCode = 1;
    });
}
