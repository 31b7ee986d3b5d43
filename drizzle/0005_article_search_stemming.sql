-- The generated column gets a new expression (topic included, one text-search configuration).
-- contract: dropped and re-added under the same name and type in one transaction (pending migrations run in one), so the previous release always finds articles.tsv.
ALTER TABLE "articles" drop column "tsv";--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '') || ' ' || topic), 'A') || setweight(to_tsvector('english', markdown), 'B')) STORED;--> statement-breakpoint
CREATE INDEX "articles_tsv_idx" ON "articles" USING gin ("tsv");
