// Request and response shapes of the publishing API (destinations, an article's publications): the
// one description the OpenAPI document, the serializer and the web app's generated types share.
import { z } from 'zod';
import { isoDate } from '../../input/date.ts';
import { httpUrl } from '../../input/http-url.ts';
import { text, visibleText } from '../../input/text.ts';
import { ghostKeyMessage, parseGhostKey } from '../../publishing/cms/ghost-token.ts';
import type { PublicationRow } from '../../publishing/publication-store.ts';
import {
  destinationKinds,
  minScheduleLeadMs,
  publicationStates,
  requestedStatuses,
} from '../../publishing/publishing-kinds.ts';

export const destinationView = z.object({
  id: z.uuid(),
  kind: z.enum(destinationKinds),
  name: z.string(),
  siteUrl: z.string().describe('The site’s address; its API is under it (`/wp-json/`, `/ghost/api/admin/`)'),
  username: z
    .string()
    .nullable()
    .describe('WordPress: the user the application password belongs to; null for Ghost'),
  secretHint: z
    .string()
    .describe(
      'The last 4 characters of the application password or Admin API key: the secret is never shown',
    ),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const siteUrl = httpUrl(2000).describe(
  'The site’s address (http(s), no credentials, query or fragment; an admin page’s address is taken for its site’s). ' +
    'A private or loopback address is refused unless the operator allows it (FETCH_ALLOW_HOSTS)',
);
const name = visibleText(100).describe(
  'Unique in the workspace, in any case (`blogsmith publish --to <name>`)',
);
const username = visibleText(60)
  .refine((value) => !value.includes(':'), 'A WordPress user name has no colon')
  .describe('The WordPress user (login name) the application password belongs to');
// Application passwords are 24 letters and digits, shown in groups of 4 (the spaces are ignored).
const applicationPassword = text({ max: 200, min: 1 })
  .refine((value) => !/\p{Cc}/u.test(value), 'Must not contain control characters')
  .describe(
    'An application password (WordPress › Users › Profile › Application Passwords), stored encrypted',
  );
const adminApiKey = text({ max: 200, min: 1 })
  .refine((value) => parseGhostKey(value) !== undefined, ghostKeyMessage)
  .describe('The Admin API key `id:secret` of a Ghost custom integration, stored encrypted');

export const destinationBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('wordpress'), name, siteUrl, username, applicationPassword }),
  z.strictObject({ kind: z.literal('ghost'), name, siteUrl, adminApiKey }),
]);

export const destinationChange = z
  .strictObject({ name, siteUrl, username, applicationPassword, adminApiKey })
  .partial()
  .refine(
    (b) => Object.keys(b).length > 0,
    'Send name, siteUrl, or new credentials (username, applicationPassword; adminApiKey)',
  );

export const destinationParams = z.object({ id: z.uuid() });

export const checkView = z.object({
  ok: z.boolean(),
  message: z.string().describe('Who is signed in, or what the CMS (or the network) answered'),
  status: z.number().int().nullable().describe('The CMS’s HTTP status when it answered with an error'),
});

export const publishBody = z
  .strictObject({
    destinationId: z.uuid(),
    status: z
      .enum(requestedStatuses)
      .describe('`draft`: a draft on the CMS; `publish`: live now, or at `scheduledFor`'),
    scheduledFor: isoDate
      .optional()
      .describe(
        'With `publish`: when the post goes live, at least 2 minutes ahead (ISO 8601 with Z or an offset)',
      ),
  })
  .superRefine((body, ctx) => {
    if (body.scheduledFor === undefined) return;
    if (body.status !== 'publish')
      ctx.addIssue({
        code: 'custom',
        path: ['scheduledFor'],
        message: 'Only a post to publish can be scheduled',
      });
    else if (body.scheduledFor.getTime() < Date.now() + minScheduleLeadMs)
      ctx.addIssue({
        code: 'custom',
        path: ['scheduledFor'],
        message: 'Must be at least 2 minutes in the future (Ghost refuses a nearer schedule)',
      });
  });

export const publicationParams = z.object({ id: z.uuid(), publicationId: z.uuid() });

export const publicationView = z.object({
  id: z.uuid(),
  articleId: z.uuid(),
  destination: z.object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(destinationKinds),
    siteUrl: z.string(),
  }),
  requestedStatus: z.enum(requestedStatuses),
  scheduledFor: z.date().nullable().describe('When the post goes live (asked for, then as the CMS holds it)'),
  state: z
    .enum(publicationStates)
    .describe(
      '`queued` → `publishing` → what the CMS holds (`draft`, `scheduled`, `published`) or `failed` (see `error`)',
    ),
  remoteId: z.string().nullable().describe('The post’s id on the CMS'),
  remoteUrl: z.string().nullable().describe('The post’s address on the site'),
  remoteStatus: z
    .string()
    .nullable()
    .describe('The post’s status in the CMS’s own word (`publish`, `future`, …)'),
  error: z
    .string()
    .nullable()
    .describe('Why it failed, or why the last attempt or sync did (the CMS’s message, quoted)'),
  attempts: z.number().int(),
  publishedAt: z.date().nullable().describe('When the post first went live on the site'),
  syncedAt: z.date().nullable().describe('When the CMS’s status was last read'),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const publicationOf = (row: PublicationRow): z.input<typeof publicationView> => {
  const { destinationName, destinationKind, siteUrl, destinationId, ...rest } = row;
  return {
    ...rest,
    destination: { id: destinationId, name: destinationName, kind: destinationKind, siteUrl },
  };
};
