// Roles rank owner > admin > editor > viewer; scopes narrow what an API key may do.
export const roles = ['viewer', 'editor', 'admin', 'owner'] as const;
export type Role = (typeof roles)[number];

export const roleRank = (role: Role) => roles.indexOf(role);
export const atLeast = (role: Role, min: Role) => roleRank(role) >= roleRank(min);
/** Admins grant roles up to admin; only owners grant owner. */
export const mayGrant = (granter: Role, role: Role) =>
  atLeast(granter, 'admin') && (role !== 'owner' || granter === 'owner');

export const scopes = [
  'articles:read',
  'articles:write',
  'documents:read',
  'documents:write',
  'settings:read',
  'settings:write',
  'admin',
] as const;
export type Scope = (typeof scopes)[number];

/** The scopes a member of this role may hold (a key never exceeds its creator's role). */
export function scopesForRole(role: Role): Scope[] {
  switch (role) {
    case 'viewer':
      return ['articles:read', 'documents:read', 'settings:read'];
    case 'editor':
      return ['articles:read', 'articles:write', 'documents:read', 'documents:write', 'settings:read'];
    case 'admin':
    case 'owner':
      return [...scopes];
  }
}
