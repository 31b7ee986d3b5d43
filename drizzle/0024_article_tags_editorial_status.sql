-- Article tags (folded and capped as documents' are, GIN-indexed for the list filter) and an editorial
-- status apart from the run's: draft, review, scheduled (with its planned date), published. Additive:
-- older versions ignore the columns, and their inserts take the defaults the checks accept.
ALTER TABLE "articles" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "editorial_status" text DEFAULT 'draft' NOT NULL;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "scheduled_for" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "articles_tags_idx" ON "articles" USING gin ("tags");--> statement-breakpoint
ALTER TABLE "articles" ADD CONSTRAINT "articles_editorial_status_check" CHECK (editorial_status IN ('draft', 'review', 'scheduled', 'published'));--> statement-breakpoint
ALTER TABLE "articles" ADD CONSTRAINT "articles_scheduled_for_check" CHECK (("articles"."editorial_status" = 'scheduled') = ("articles"."scheduled_for" IS NOT NULL));