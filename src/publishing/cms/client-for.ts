// The client of a destination's CMS, from its row and its opened secret.
import type { DestinationKind } from '../publishing-kinds.ts';
import type { CmsClient } from './cms-client.ts';
import type { CmsConnection } from './cms-request.ts';
import { ghostClient } from './ghost.ts';
import { wordpressClient } from './wordpress.ts';

export interface OpenedDestination {
  kind: DestinationKind;
  siteUrl: string;
  username: string | null;
  /** The application password (WordPress) or the Admin API key (Ghost), opened. */
  secret: string;
}

export function cmsClientFor(destination: OpenedDestination, connection: CmsConnection): CmsClient {
  return destination.kind === 'wordpress'
    ? wordpressClient(
        {
          siteUrl: destination.siteUrl,
          username: destination.username ?? '',
          applicationPassword: destination.secret,
        },
        connection,
      )
    : ghostClient({ siteUrl: destination.siteUrl, adminApiKey: destination.secret }, connection);
}
