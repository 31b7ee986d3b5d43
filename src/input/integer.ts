// Integers carried as strings (path segments, query values, headers): written as plain decimal
// digits only. `z.coerce.number()` alone read "" as 0, "0x10" as 16 and "1e2" as 100; the digits are
// checked first, so it only ever converts those.
import { z } from 'zod';

const decimal = /^-?\d{1,16}$/;

/**
 * A decimal integer written as digits (optional leading minus), then checked by `bounds`. The
 * OpenAPI document shows it as the number it stands for (`bounds`' type and limits, and a default
 * added after this), not as the string it is written as: a generated client passes a number.
 * Neither step is a zod transform, whose input side zod would document without its default.
 */
export function intString(bounds: z.ZodNumber) {
  const { $schema: _, ...documented } = z.toJSONSchema(bounds);
  return z
    .string()
    .refine((written) => decimal.test(written), 'Must be an integer written in decimal digits')
    .pipe(z.coerce.number())
    .pipe(bounds)
    .meta(documented);
}
