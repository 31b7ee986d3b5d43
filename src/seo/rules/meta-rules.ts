// Lengths of the meta title and meta description: one rule shape for both, since search results
// cut both and the fixes differ only in their wording.
import { seoLimits, seoWeights } from './limits.ts';
import { check, issue, type SeoContext, type SeoRule } from './rule.ts';

/** Characters as a reader counts them (code points, not UTF-16 units). */
export const characters = (text: string) => [...text].length;

interface MetaField {
  name: 'title' | 'description';
  weight: number;
  limits: { min: number; max: number };
  text(ctx: SeoContext): string;
  /** What the missing field should say, appended to "Write a meta … of min–max characters". */
  asks(keyword: string | undefined): string;
}

function metaLength(field: MetaField): SeoRule {
  const { name, weight, limits } = field;
  const { min, max } = limits;
  const code = `meta_${name}`;
  return (ctx) => {
    const length = characters(field.text(ctx));
    if (length >= min && length <= max) return [check(weight)];
    if (length === 0) {
      const fix = `Write a meta ${name} of ${min}–${max} characters${field.asks(ctx.primary?.keyword)}.`;
      return [check(weight, issue(`missing_${code}`, 'error', `The article has no meta ${name}.`, fix))];
    }
    if (length < min)
      return [
        check(
          weight,
          issue(
            `${code}_too_short`,
            'warning',
            `The meta ${name} has ${length} characters.`,
            `Lengthen the meta ${name} by ${min - length}+ characters to ${min}–${max}.`,
          ),
        ),
      ];
    return [
      check(
        weight,
        issue(
          `${code}_too_long`,
          'warning',
          `The meta ${name} has ${length} characters; search results cut it at about ${max}.`,
          `Shorten the meta ${name} by ${length - max}+ characters to at most ${max}.`,
        ),
      ),
    ];
  };
}

export const metaTitleLength = metaLength({
  name: 'title',
  weight: seoWeights.metaTitle,
  limits: seoLimits.metaTitle,
  text: (ctx) => ctx.metaTitle,
  asks: (keyword) => (keyword ? ` containing "${keyword}"` : ''),
});

export const metaDescriptionLength = metaLength({
  name: 'description',
  weight: seoWeights.metaDescription,
  limits: seoLimits.metaDescription,
  text: (ctx) => ctx.metaDescription,
  asks: (keyword) => ` that summarises the article${keyword ? ` and contains "${keyword}"` : ''}`,
});
