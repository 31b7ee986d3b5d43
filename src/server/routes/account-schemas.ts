import { z } from 'zod';
import { roles } from '../../accounts/roles.ts';
export const roleSchema = z.enum(roles);

export const workspaceView = z.object({ id: z.uuid(), name: z.string(), role: roleSchema });

export const userView = z.object({ id: z.uuid(), email: z.string(), workspace: workspaceView });
