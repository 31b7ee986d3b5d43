// Keyset pagination over created_at: `cursor` is opaque to clients (base64url of an ISO time).
import { z } from 'zod';
import { AppError } from '../errors.ts';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(100).optional(),
});

export function decodeCursor(cursor?: string): Date | undefined {
  if (!cursor) return undefined;
  const date = new Date(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (Number.isNaN(date.getTime())) {
    throw new AppError('validation_error', 'Invalid cursor', [{ path: 'cursor', message: 'invalid cursor' }]);
  }
  return date;
}

export function nextCursor<T extends { createdAt: Date }>(items: T[], limit: number): string | null {
  const last = items.at(-1);
  return items.length === limit && last
    ? Buffer.from(last.createdAt.toISOString()).toString('base64url')
    : null;
}

/**
 * Every list answers `{items, nextCursor}`; lists that are not paged (members, versions, search
 * results) always answer `nextCursor: null`, so clients read every list the same way.
 */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
