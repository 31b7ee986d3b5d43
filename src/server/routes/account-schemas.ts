import { z } from 'zod';
import { roles } from '../../accounts/roles.ts';
import { text, visibleText } from '../../input/text.ts';

export const credentialsBody = z.object({
  email: z.email().max(254),
  password: text({ max: 256, min: 8, trim: false }),
  name: visibleText(100).optional(),
});

export const roleSchema = z.enum(roles);

export const workspaceView = z.object({ id: z.uuid(), name: z.string(), role: roleSchema });

export const userView = z.object({ id: z.uuid(), email: z.string(), workspace: workspaceView });
