// The words of publishing (F21): the CMSs a destination can be, what a member asks for, and where a
// publication stands. A leaf module: the schema, the stores, the routes and the web app's generated
// values read it without importing each other.

/** The CMSs Blogsmith publishes to: WordPress's REST API and Ghost's Admin API. */
export const destinationKinds = ['wordpress', 'ghost'] as const;
export type DestinationKind = (typeof destinationKinds)[number];

/** What a member asks for: a draft on the CMS, or a post to publish (now, or at `scheduledFor`). */
export const requestedStatuses = ['draft', 'publish'] as const;
export type RequestedStatus = (typeof requestedStatuses)[number];

/**
 * Where a publication stands: `queued` for its job, `publishing` while the job talks to the CMS,
 * then what the CMS holds — `draft`, `scheduled` (it goes live at `scheduledFor`), `published` —
 * or `failed` with the reason in `error`.
 */
export const publicationStates = [
  'queued',
  'publishing',
  'draft',
  'scheduled',
  'published',
  'failed',
] as const;
export type PublicationState = (typeof publicationStates)[number];

/** A publication in these states has a job ahead of it or under way: it cannot be asked for again yet. */
export const inFlightStates = ['queued', 'publishing'] as const satisfies readonly PublicationState[];

/** What the CMS holds, in Blogsmith's words (a remote post's own status is kept beside it). */
export type RemoteState = Extract<PublicationState, 'draft' | 'scheduled' | 'published'>;

/**
 * How far ahead a scheduled post must be: Ghost refuses a schedule less than 2 minutes away, and a
 * time that passes while the job waits would publish at once on WordPress.
 */
export const minScheduleLeadMs = 2 * 60_000;
