// What a new account and a new API key must give, wherever they come from: the API (sign-up,
// first-run setup, the keys page) and the operator's `blogsmith user create` / `apikey create`,
// which once stored a user whose email was "notanemail" and a key without a name.
import { z } from 'zod';
import { text, visibleText } from '../input/text.ts';
import { scopes } from './roles.ts';

export const newAccountInput = z.object({
  email: z.email().max(254),
  password: text({ max: 256, min: 8, trim: false }),
  name: visibleText(100).optional(),
  workspaceName: visibleText(100).optional(),
});

export const newApiKeyInput = z.object({
  name: visibleText(100),
  scopes: z.array(z.enum(scopes)).max(scopes.length).optional(),
});
