DROP INDEX "article_versions_article_idx";--> statement-breakpoint
ALTER TABLE "article_versions" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
-- Versions kept before this migration are numbered in the order they were kept (the column fills in the table's scan order).
UPDATE "article_versions" AS v SET "seq" = o.n FROM (SELECT "id", row_number() OVER (ORDER BY "created_at", "id") AS n FROM "article_versions") AS o WHERE v."id" = o."id";--> statement-breakpoint
CREATE INDEX "article_versions_article_seq_idx" ON "article_versions" USING btree ("article_id","seq");