CREATE TABLE "llm_spend_monthly" (
	"workspace_id" uuid NOT NULL,
	"month" date NOT NULL,
	"cost_usd" numeric(20, 8) DEFAULT 0 NOT NULL,
	CONSTRAINT "llm_spend_monthly_workspace_id_month_pk" PRIMARY KEY("workspace_id","month")
);
--> statement-breakpoint
ALTER TABLE "llm_spend_monthly" ADD CONSTRAINT "llm_spend_monthly_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Every statement that adds ledger rows (the batched COPY on PGlite, the JSON insert on PostgreSQL,
-- a single row) adds their priced cost to each workspace's month, in the same statement: the budget
-- guard reads one row instead of summing the month's ledger. Rows are taken in key order so two
-- batches that touch the same workspaces lock their months in the same order (no deadlock).
CREATE FUNCTION llm_calls_add_monthly_spend() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO llm_spend_monthly AS spent (workspace_id, month, cost_usd)
  SELECT workspace_id, (date_trunc('month', created_at AT TIME ZONE 'UTC'))::date, sum(cost_usd)
  FROM new_rows
  WHERE workspace_id IS NOT NULL AND cost_usd IS NOT NULL
  GROUP BY 1, 2
  ORDER BY 1, 2
  ON CONFLICT (workspace_id, month) DO UPDATE SET cost_usd = spent.cost_usd + EXCLUDED.cost_usd;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Created before the backfill: it locks llm_calls against inserts until the migration commits, so
-- no row is both summed below and added by the trigger, or neither.
CREATE TRIGGER llm_calls_monthly_spend AFTER INSERT ON llm_calls
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION llm_calls_add_monthly_spend();
--> statement-breakpoint
INSERT INTO llm_spend_monthly (workspace_id, month, cost_usd)
SELECT workspace_id, (date_trunc('month', created_at AT TIME ZONE 'UTC'))::date, sum(cost_usd)
FROM llm_calls
WHERE workspace_id IS NOT NULL AND cost_usd IS NOT NULL
GROUP BY 1, 2;
