ALTER TABLE "articles" ADD COLUMN "regeneration" jsonb;--> statement-breakpoint
ALTER TABLE "workspace_llm_settings" ADD COLUMN "model_prices" jsonb DEFAULT '{}'::jsonb NOT NULL;