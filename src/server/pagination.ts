// Keyset pagination over created_at: `cursor` is opaque to clients (base64url of an ISO time).
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { parseIsoDate } from '../input/date.ts';
import { intString } from '../input/integer.ts';
import { text } from '../input/text.ts';

export const pageQuery = z.object({
  limit: intString(z.number().int().min(1).max(100)).default(20),
  cursor: text({ max: 100, trim: false }).optional(),
});

export function decodeCursor(cursor?: string): Date | undefined {
  if (!cursor) return undefined;
  // Only what nextCursor writes: an ISO time PostgreSQL can compare (not "0000-01-01" or year 275760).
  const date = parseIsoDate(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!date) {
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
 * A position in a list ordered by (created_at, id), newest first, to the microsecond: rows created in
 * the same millisecond (a duplicate, a batch) are neither skipped nor repeated across pages, which a
 * millisecond time alone cannot promise. Written as `<epoch microseconds>.<id>`; a cursor of the
 * older time-only form is still read.
 */
export interface Keyset {
  micros?: string;
  id?: string;
  before?: Date;
}

const keysetPattern = /^(\d{1,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function decodeKeyset(cursor?: string): Keyset | undefined {
  if (!cursor) return undefined;
  const m = keysetPattern.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? { micros: m[1]!, id: m[2]! } : { before: decodeCursor(cursor)! };
}

export function nextKeysetCursor<T extends { id: string; createdMicros: string }>(
  items: T[],
  limit: number,
): string | null {
  const last = items.at(-1);
  return items.length === limit && last
    ? Buffer.from(`${last.createdMicros}.${last.id}`).toString('base64url')
    : null;
}

/**
 * Every list answers `{items, nextCursor}`; lists that are not paged (members, versions, search
 * results) always answer `nextCursor: null`, so clients read every list the same way.
 */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
