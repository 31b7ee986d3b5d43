-- The models of a step's calls that had no price: their cost is not in cost_usd, so the article's
-- cost is shown as unknown rather than as the priced part alone (or $0). Additive: older versions
-- ignore it.
ALTER TABLE "article_steps" ADD COLUMN "unpriced_models" text[] DEFAULT '{}'::text[] NOT NULL;
