// The URL slug's form.
import { isValidSlug, maxSlugLength, slugify } from '../slug.ts';
import { seoWeights } from './limits.ts';
import { check, issue, type SeoRule } from './rule.ts';

export const validSlug: SeoRule = ({ slug }) => [
  check(
    seoWeights.slug,
    isValidSlug(slug)
      ? undefined
      : issue(
          'invalid_slug',
          'warning',
          `The slug "${slug}" is not lower-case ASCII words joined by hyphens of at most ${maxSlugLength} characters.`,
          `Use the slug "${slugify(slug)}".`,
        ),
  ),
];
