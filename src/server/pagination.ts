// Keyset pagination (db/keyset.ts): `cursor` is opaque to clients (base64url of the last row's
// created_at in epoch microseconds and its id).
import { z } from 'zod';
import type { PagePosition } from '../db/keyset.ts';
import { AppError } from '../errors.ts';
import { parseIsoDate } from '../input/date.ts';
import { intString } from '../input/integer.ts';
import { text } from '../input/text.ts';

export const pageQuery = z.object({
  limit: intString(z.number().int().min(1).max(100)).default(20),
  cursor: text({ max: 100, trim: false }).optional(),
});

const invalidCursor = () =>
  new AppError('validation_error', 'Invalid cursor', [{ path: 'cursor', message: 'invalid cursor' }]);

const positionPattern = /^(\d{1,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
// Sorts before every other uuid, so (created_at, id) < (t, nil) means created_at < t.
const nilUuid = '00000000-0000-0000-0000-000000000000';

/**
 * The position (db/keyset.ts) a cursor names. A cursor of the older, time-only form (an ISO time,
 * milliseconds) still reads as "before that time".
 */
export function decodeCursor(cursor?: string): PagePosition | undefined {
  if (!cursor) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = positionPattern.exec(decoded);
  if (m) return { micros: m[1]!, id: m[2]! };
  // Only an ISO time PostgreSQL can compare (not "0000-01-01" or year 275760).
  const date = parseIsoDate(decoded);
  if (!date) throw invalidCursor();
  return { micros: String(date.getTime() * 1000), id: nilUuid };
}

type Page<T> = { items: Omit<T, 'createdMicros'>[]; nextCursor: string | null };

/**
 * A page of rows selected with `createdMicros` (db/keyset.ts) in a keyset order: the items
 * without it, and the cursor of the next page — null when this one is not full. `idKey` names the
 * column that breaks ties in that order (the row's id unless the table has none).
 */
export function pageFrom<T extends { id: string; createdMicros: string }>(rows: T[], limit: number): Page<T>;
export function pageFrom<T extends { createdMicros: string }>(
  rows: T[],
  limit: number,
  idKey: keyof T & string,
): Page<T>;
export function pageFrom<T extends { createdMicros: string }>(
  rows: T[],
  limit: number,
  idKey = 'id' as keyof T & string,
): Page<T> {
  const last = rows.at(-1);
  return {
    items: rows.map(({ createdMicros: _, ...item }) => item),
    nextCursor:
      rows.length === limit && last
        ? Buffer.from(`${last.createdMicros}.${String(last[idKey])}`).toString('base64url')
        : null,
  };
}

/**
 * Every list answers `{items, nextCursor}`; lists that are not paged (versions, search results)
 * always answer `nextCursor: null`, so clients read every list the same way.
 */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
