// manifest.json, the first entry of every backup: what was dumped, from which database, the
// inventory to verify against, and how the secret key was handled.
import { z } from 'zod';

export const manifestName = 'manifest.json';
export const sealedSecretName = 'secret-key.sealed.json';
/**
 * The dump's entry for each kind of database. Only these names are accepted: the name is read from
 * the archive before anything is checked, and a crafted one ("../../…") must not pick where it goes.
 */
export const payloadNames = { postgres: 'database.pgdump', pglite: 'pglite-datadir.tar.gz' } as const;

export const manifestSchema = z
  .object({
    format: z.literal('blogsmith-backup'),
    version: z.literal(1),
    createdAt: z.string(),
    appVersion: z.string(),
    database: z.object({ kind: z.enum(['postgres', 'pglite']), serverVersion: z.string() }),
    payload: z.object({
      name: z.enum([payloadNames.postgres, payloadNames.pglite]),
      bytes: z.number().int().nonnegative(),
      sha256: z.string(),
    }),
    inventory: z.object({
      tables: z.record(z.string(), z.number().int().nonnegative()),
      articlesChecksum: z.string(),
      migrations: z.number().int().nonnegative(),
    }),
    secret: z.object({
      /** Whether the key is in the archive (sealed with BACKUP_PASSPHRASE). */
      included: z.boolean(),
      /** Fingerprint of the key in use at backup time; null when there was none. */
      fingerprint: z.string().nullable(),
    }),
  })
  .refine((m) => m.payload.name === payloadNames[m.database.kind], {
    path: ['payload', 'name'],
    message: 'not the dump of the database kind the manifest names',
  });

export type Manifest = z.infer<typeof manifestSchema>;
