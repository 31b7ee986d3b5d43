CREATE TABLE "llm_ledger_compaction" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"compacted_before" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "llm_calls" ADD COLUMN "calls" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- One row: compaction starts at the hour of the oldest ledger row (or this hour, on an empty ledger).
ALTER TABLE "llm_ledger_compaction" ADD CONSTRAINT "llm_ledger_compaction_one_row" CHECK ("id");
--> statement-breakpoint
INSERT INTO "llm_ledger_compaction" ("compacted_before")
SELECT coalesce(date_trunc('hour', min("created_at"), 'UTC'), date_trunc('hour', now(), 'UTC')) FROM "llm_calls";
