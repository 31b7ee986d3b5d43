import type { Role, Scope } from './roles.ts';

/** Who is calling, and for which workspace: every domain call is made on behalf of one. */
export interface AuthContext {
  userId: string;
  workspaceId: string;
  role: Role;
  via: 'session' | 'api_key';
  apiKeyId?: string;
  /** Session callers hold every scope their role allows; API keys hold what they were given. */
  scopes: Scope[];
}
