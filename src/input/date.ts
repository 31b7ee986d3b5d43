// The one date rule for request values: strict ISO 8601 ("2025-06-01" or "2025-06-01T12:00:00Z",
// an offset or Z when a time is given), a real calendar date ("2024-02-30" is refused, not rolled
// over to March 1), between years 1 and 9999 so PostgreSQL can store it and JavaScript can print it.
import { z } from 'zod';

const iso = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const earliest = Date.parse('0001-01-01T00:00:00.000Z');
const latest = Date.parse('9999-12-31T23:59:59.999Z');

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysIn = (year: number, month: number) =>
  month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** True when the instant is one PostgreSQL and JavaScript both store and print (years 1–9999). */
export const isStorableInstant = (date: Date) => {
  const time = date.getTime();
  return !Number.isNaN(time) && time >= earliest && time <= latest;
};

/** `date`, or the earliest storable instant when it is before year 1 (a default counted back from a date near it). */
export const notBeforeYearOne = (date: Date) => (date.getTime() < earliest ? new Date(earliest) : date);

/** The instant `value` names when it is a strict, real, storable ISO 8601 date; else undefined. */
export function parseIsoDate(value: string): Date | undefined {
  const m = iso.exec(value);
  if (!m) return undefined;
  const [, year, month, day, hour, minute = '00', second = '00', zone] = m;
  if (hour !== undefined && zone === undefined) return undefined; // a time needs Z or an offset
  const mo = Number(month);
  if (mo < 1 || mo > 12 || Number(day) < 1 || Number(day) > daysIn(Number(year), mo)) return undefined;
  if (Number(hour ?? 0) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (zone && zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59)) {
    return undefined;
  }
  const date = new Date(hour === undefined ? `${value}T00:00:00Z` : value);
  return isStorableInstant(date) ? date : undefined;
}

const message =
  'Must be an ISO 8601 date or date-time with Z or an offset (e.g. "2025-06-01" or "2025-06-01T12:00:00Z"), years 0001–9999';

/** A date in a request: strict ISO 8601 in, a Date out. */
export const isoDate = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const date = parseIsoDate(value);
    if (!date) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return date;
  })
  .meta({ description: 'ISO 8601 date or date-time (with Z or an offset)', example: '2025-06-01T12:00:00Z' });

/** An instant that must lie in the future (expiry times). */
export const futureIsoDate = isoDate.refine((d) => d.getTime() > Date.now(), 'Must be in the future');
