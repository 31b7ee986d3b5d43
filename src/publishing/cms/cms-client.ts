// What publishing needs of a CMS, whichever it is: check the credentials, create or update a post,
// read a post's status back. wordpress.ts and ghost.ts speak their APIs behind it.
import type { RemoteState } from '../publishing-kinds.ts';

/** A post as Blogsmith sends it. */
export interface PostInput {
  title: string;
  /** The body: WordPress block markup for WordPress, sanitized HTML for Ghost. */
  body: string;
  /** Empty: the CMS makes one from the title. */
  slug: string;
  /** The meta description, as the post's excerpt. */
  excerpt: string | null;
  tags: readonly string[];
  status: 'draft' | 'publish';
  /** With `publish`: when it goes live (in the future); null: now. */
  scheduledFor: Date | null;
}

/** A post as the CMS holds it. */
export interface RemotePost {
  id: string;
  url: string | null;
  state: RemoteState;
  /** The CMS's own word for it, made storable and at most 40 characters (cmsStatus). */
  status: string;
  /** When it went live, or is to (scheduled); null for a draft. */
  publishedAt: Date | null;
}

export interface CmsClient {
  /** Whether the credentials work and may publish: a line to show, or a CmsError. */
  check(): Promise<string>;
  /** Creates the post, or updates `remoteId` (created anew when the CMS no longer has it). */
  publish(post: PostInput, remoteId: string | null): Promise<RemotePost>;
  /** The post's current state; null when the CMS no longer has it. */
  fetchPost(remoteId: string): Promise<RemotePost | null>;
}
