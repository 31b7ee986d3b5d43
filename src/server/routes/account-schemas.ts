import { z } from 'zod';
import { roles } from '../../accounts/roles.ts';

export const credentialsBody = z.object({
  email: z.email().max(254),
  password: z.string().min(8).max(256),
  name: z.string().trim().min(1).max(100).optional(),
});

export const roleSchema = z.enum(roles);

export const workspaceView = z.object({ id: z.uuid(), name: z.string(), role: roleSchema });

export const userView = z.object({ id: z.uuid(), email: z.string(), workspace: workspaceView });
