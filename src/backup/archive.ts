// Reading a backup archive: its manifest, its payload checked against the recorded sha256, and
// the sealed secret key when present.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { knownMigrations } from '../db/migrate.ts';
import { AppError } from '../errors.ts';
import { type Manifest, manifestName, manifestSchema, payloadNames, sealedSecretName } from './manifest.ts';
import type { SealedSecret } from './secret-envelope.ts';
import { extractTarEntry, listTar, readTarEntry, type TarEntry, TruncatedTarError } from './tar-archive.ts';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface OpenedArchive {
  manifest: Manifest;
  sealedSecret?: SealedSecret;
  /** Extracts and checks the payload into a temp directory; `cleanup` removes it. */
  extractPayload(): Promise<{ file: string; cleanup(): Promise<void> }>;
}

export async function openArchive(file: string): Promise<OpenedArchive> {
  let entries: TarEntry[];
  try {
    entries = await listTar(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('not_found', `No backup at ${file}`);
    if (err instanceof TruncatedTarError)
      throw new AppError('validation_error', `${file} is damaged: ${err.message}`);
    throw new AppError('validation_error', `${file} is not a Blogsmith backup (${(err as Error).message})`);
  }
  const find = (name: string) => entries.find((e) => e.name === name);
  const manifestEntry = find(manifestName);
  if (!manifestEntry)
    throw new AppError('validation_error', `${file} is not a Blogsmith backup (no ${manifestName})`);
  const manifest = parseManifest(file, (await readTarEntry(file, manifestEntry)).toString('utf8'));
  const secretEntry = find(sealedSecretName);
  // Without this, a backup that lost its sealed key passed as one taken without it.
  if (manifest.secret.included && !secretEntry)
    throw new AppError(
      'validation_error',
      `${file} is damaged: its manifest says the secret key is sealed in it, but ${sealedSecretName} is missing`,
    );
  const sealedSecret = secretEntry ? await readSealedSecret(file, secretEntry) : undefined;
  const payloadEntry = find(manifest.payload.name);
  return {
    manifest,
    ...(sealedSecret ? { sealedSecret } : {}),
    async extractPayload() {
      if (!payloadEntry) throw new AppError('validation_error', `${file} lacks its database dump`);
      const dir = await mkdtemp(path.join(tmpdir(), 'blogsmith-restore-'));
      const cleanup = () => rm(dir, { recursive: true, force: true });
      // The name is the code's, never the archive's: nothing in a backup chooses where a file is written.
      const target = path.join(dir, payloadNames[manifest.database.kind]);
      try {
        await extractTarEntry(file, payloadEntry, target);
        const sha = await sha256File(target);
        if (sha !== manifest.payload.sha256 || payloadEntry.size !== manifest.payload.bytes) {
          throw new AppError(
            'validation_error',
            `${file} is damaged: the database dump does not match its checksum`,
          );
        }
        return { file: target, cleanup };
      } catch (err) {
        await cleanup();
        throw err;
      }
    },
  };
}

function parseManifest(file: string, text: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('validation_error', `${file} has an unreadable manifest: not JSON`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new AppError('validation_error', `${file} has an unreadable manifest: ${where}${issue?.message}`);
  }
  return parsed.data;
}

async function readSealedSecret(file: string, entry: TarEntry): Promise<SealedSecret> {
  try {
    return JSON.parse((await readTarEntry(file, entry)).toString('utf8')) as SealedSecret;
  } catch {
    throw new AppError('validation_error', `${file} is damaged: ${sealedSecretName} is not JSON`);
  }
}

/**
 * Set when a newer release took the backup (its database holds migrations this release does not
 * know): restored here, it would run this release's code on a schema it has never seen.
 */
export function newerRelease(manifest: Manifest): string | undefined {
  const known = knownMigrations();
  if (manifest.inventory.migrations <= known) return undefined;
  return (
    `This backup was taken by a newer Blogsmith (${manifest.appVersion}: ${manifest.inventory.migrations} ` +
    `migrations, this release knows ${known})`
  );
}
