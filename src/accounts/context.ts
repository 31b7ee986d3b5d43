import type { Role, Scope } from './roles.ts';

/** Who is calling, and for which workspace: every domain call is made on behalf of one. */
export interface AuthContext {
  userId: string;
  workspaceId: string;
  role: Role;
  via: 'session' | 'api_key';
  apiKeyId?: string;
  /** When the calling API key expires (null: never). */
  apiKeyExpiresAt?: Date | null;
  /** The session row's id (sha256 of the cookie token) for session callers. */
  sessionId?: string;
  /** Session callers hold every scope their role allows; API keys hold what they were given. */
  scopes: Scope[];
}
