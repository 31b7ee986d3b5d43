-- An article's events are read by id (SSE Last-Event-ID, src/articles/events.ts), so ids must be
-- visible in the order they were given: two workers' inserts for one article (parallel sections)
-- could commit out of id order, and a reader that saw the later id skipped the earlier one forever.
-- Inserts for one article now take the id under a per-article lock held until commit.
CREATE OR REPLACE FUNCTION article_events_ordered_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(1651468147, hashtext(NEW.article_id::text));
  NEW.id := nextval('article_events_id_seq');
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER article_events_ordered_id BEFORE INSERT ON article_events
  FOR EACH ROW EXECUTE FUNCTION article_events_ordered_id();
