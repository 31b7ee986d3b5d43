CREATE TABLE "workspace_storage" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"document_bytes" bigint DEFAULT 0 NOT NULL,
	"article_bytes" bigint DEFAULT 0 NOT NULL,
	"eval_report_bytes" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workspace_storage" ADD CONSTRAINT "workspace_storage_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- Every workspace has its row from the start (the triggers below only add to it, so a row deleted
-- with its workspace is never made again by the deletion's own cascade).
CREATE FUNCTION workspaces_add_storage_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO workspace_storage (workspace_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER workspaces_storage_row AFTER INSERT ON workspaces
  FOR EACH ROW EXECUTE FUNCTION workspaces_add_storage_row();
--> statement-breakpoint
-- What a row of each counted table stores: a document its file's size, an article its Markdown and
-- HTML, a version its Markdown (octet_length reads a stored text's size without reading the text),
-- a report its JSON text (the same stored value gives the same text when it is deleted).
CREATE FUNCTION count_workspace_storage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added bigint := 0;
  removed bigint := 0;
  workspace uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN workspace := OLD.workspace_id; ELSE workspace := NEW.workspace_id; END IF;
  IF TG_TABLE_NAME = 'documents' THEN
    IF TG_OP <> 'DELETE' THEN added := NEW.byte_size; END IF;
    IF TG_OP <> 'INSERT' THEN removed := OLD.byte_size; END IF;
    UPDATE workspace_storage SET document_bytes = document_bytes + added - removed WHERE workspace_id = workspace;
  ELSIF TG_TABLE_NAME = 'articles' THEN
    IF TG_OP <> 'DELETE' THEN added := octet_length(NEW.markdown) + octet_length(NEW.html); END IF;
    IF TG_OP <> 'INSERT' THEN removed := octet_length(OLD.markdown) + octet_length(OLD.html); END IF;
    UPDATE workspace_storage SET article_bytes = article_bytes + added - removed WHERE workspace_id = workspace;
  ELSIF TG_TABLE_NAME = 'article_versions' THEN
    IF TG_OP <> 'DELETE' THEN added := octet_length(NEW.markdown); END IF;
    IF TG_OP <> 'INSERT' THEN removed := octet_length(OLD.markdown); END IF;
    UPDATE workspace_storage SET article_bytes = article_bytes + added - removed WHERE workspace_id = workspace;
  ELSE
    IF TG_OP <> 'DELETE' THEN added := octet_length(NEW.report::text); END IF;
    IF TG_OP <> 'INSERT' THEN removed := octet_length(OLD.report::text); END IF;
    UPDATE workspace_storage SET eval_report_bytes = eval_report_bytes + added - removed WHERE workspace_id = workspace;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Deferred to the end of the transaction: the workspace's row is then the last lock a writing
-- transaction takes, so two that write the same article (or document) cannot each hold what the
-- other waits for. A statement outside a transaction counts at its own end.
CREATE CONSTRAINT TRIGGER documents_storage AFTER INSERT OR DELETE ON documents
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_workspace_storage();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER articles_storage AFTER INSERT OR DELETE ON articles
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_workspace_storage();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER articles_storage_update AFTER UPDATE OF markdown, html ON articles
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (octet_length(OLD.markdown) + octet_length(OLD.html) <> octet_length(NEW.markdown) + octet_length(NEW.html))
  EXECUTE FUNCTION count_workspace_storage();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER article_versions_storage AFTER INSERT OR DELETE ON article_versions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_workspace_storage();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER eval_reports_storage AFTER INSERT OR DELETE ON eval_reports
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_workspace_storage();
--> statement-breakpoint
-- After the triggers (their creation holds off writes to each table until the migration commits),
-- so nothing is both counted here and by a trigger, or by neither.
INSERT INTO workspace_storage (workspace_id, document_bytes, article_bytes, eval_report_bytes)
SELECT w.id,
  coalesce((SELECT sum(d.byte_size) FROM documents d WHERE d.workspace_id = w.id), 0),
  coalesce((SELECT sum(octet_length(a.markdown) + octet_length(a.html)) FROM articles a WHERE a.workspace_id = w.id), 0)
    + coalesce((SELECT sum(octet_length(v.markdown)) FROM article_versions v WHERE v.workspace_id = w.id), 0),
  coalesce((SELECT sum(octet_length(r.report::text)) FROM eval_reports r WHERE r.workspace_id = w.id), 0)
FROM workspaces w
ON CONFLICT (workspace_id) DO NOTHING;
