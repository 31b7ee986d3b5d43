CREATE TABLE "llm_cache_size" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "llm_cache" ADD COLUMN "bytes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- One row: the bytes of every cache entry, added to and taken from by each statement that writes
-- the cache (an upsert fires the INSERT trigger for its new keys and the UPDATE trigger for the
-- keys it replaced). Entries written before this migration count 0: they go within their time to live.
ALTER TABLE "llm_cache_size" ADD CONSTRAINT "llm_cache_size_one_row" CHECK ("id");
--> statement-breakpoint
INSERT INTO "llm_cache_size" ("bytes") VALUES (0);
--> statement-breakpoint
-- Row triggers, not statement triggers with transition tables: those copy every written row, its
-- value included (a 30 kB embedding), into a tuple store (a write took twice as long).
CREATE FUNCTION count_llm_cache_bytes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    delta := NEW.bytes;
  ELSIF TG_OP = 'UPDATE' THEN
    delta := NEW.bytes - OLD.bytes;
  ELSE
    delta := -OLD.bytes;
  END IF;
  IF delta <> 0 THEN
    UPDATE llm_cache_size SET bytes = bytes + delta;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER llm_cache_bytes AFTER INSERT OR UPDATE OR DELETE ON llm_cache
  FOR EACH ROW EXECUTE FUNCTION count_llm_cache_bytes();
