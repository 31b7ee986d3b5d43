// Integers carried as strings (path segments, query values, headers): written as plain decimal
// digits only. `z.coerce.number()` read "" as 0, "0x10" as 16 and "1e2" as 100; this refuses them.
import { z } from 'zod';

/** A decimal integer written as digits (optional leading minus), then checked by `bounds`. */
export function intString(bounds: z.ZodNumber) {
  return z
    .string()
    .regex(/^-?\d{1,16}$/, 'Must be an integer written in decimal digits')
    .transform(Number)
    .pipe(bounds);
}
