-- Publishing (F21): a workspace's WordPress and Ghost destinations (credentials sealed with SECRET_KEY) and
-- one publication per article and destination with the remote post's id, address and state. Additive:
-- older versions ignore both tables.
CREATE TABLE "article_publications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"article_id" uuid NOT NULL,
	"destination_id" uuid NOT NULL,
	"requested_status" text NOT NULL,
	"scheduled_for" timestamp with time zone,
	"state" text DEFAULT 'queued' NOT NULL,
	"remote_id" text,
	"remote_url" text,
	"remote_status" text,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"requested_by" uuid,
	"published_at" timestamp with time zone,
	"synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "article_publications_state_check" CHECK (state IN ('queued', 'publishing', 'draft', 'scheduled', 'published', 'failed')),
	CONSTRAINT "article_publications_requested_status_check" CHECK (requested_status IN ('draft', 'publish'))
);
--> statement-breakpoint
CREATE TABLE "publishing_destinations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"site_url" text NOT NULL,
	"username" text,
	"secret" text NOT NULL,
	"secret_hint" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "publishing_destinations_kind_check" CHECK (kind IN ('wordpress', 'ghost'))
);
--> statement-breakpoint
ALTER TABLE "article_publications" ADD CONSTRAINT "article_publications_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_publications" ADD CONSTRAINT "article_publications_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_publications" ADD CONSTRAINT "article_publications_destination_id_publishing_destinations_id_fk" FOREIGN KEY ("destination_id") REFERENCES "public"."publishing_destinations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publishing_destinations" ADD CONSTRAINT "publishing_destinations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "article_publications_article_destination_idx" ON "article_publications" USING btree ("article_id","destination_id");--> statement-breakpoint
CREATE INDEX "article_publications_destination_idx" ON "article_publications" USING btree ("destination_id");--> statement-breakpoint
CREATE INDEX "article_publications_scheduled_idx" ON "article_publications" USING btree ("scheduled_for") WHERE state = 'scheduled';--> statement-breakpoint
CREATE UNIQUE INDEX "publishing_destinations_name_idx" ON "publishing_destinations" USING btree ("workspace_id",lower("name"));