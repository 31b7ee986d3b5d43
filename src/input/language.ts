// A language tag the runtime can actually use: well-formed BCP 47 (Intl.getCanonicalLocales) and
// supported by this Node's ICU data, so no later step fails with "Incorrect locale information".
import { z } from 'zod';

/** The canonical form of `tag` ("EN-us" → "en-US") when it is valid and supported; else undefined. */
export function supportedLanguage(tag: string): string | undefined {
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
  if (!canonical) return undefined;
  return Intl.DateTimeFormat.supportedLocalesOf([canonical], { localeMatcher: 'lookup' }).length > 0
    ? canonical
    : undefined;
}

// A check, not a transform: the brief schema also describes stored briefs in responses, and a
// transform cannot be serialized back.
const tagPattern = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;

export const languageTag = z
  .string()
  .max(35)
  .regex(tagPattern, 'Must be a BCP 47 language tag such as "en" or "pt-BR"')
  .superRefine((value, ctx) => {
    // A malformed tag has its reason from the pattern already: one reason per field.
    if (tagPattern.test(value) && value.length <= 35 && !supportedLanguage(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a valid language tag this server supports`,
      });
    }
  });
