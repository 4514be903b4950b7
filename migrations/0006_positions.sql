CREATE TYPE "public"."position_status" AS ENUM('scheduled', 'published', 'withdrawn', 'superseded');--> statement-breakpoint
CREATE TABLE "position_slugs" (
	"slug" text PRIMARY KEY NOT NULL,
	"position_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "positions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"round_id" uuid NOT NULL,
	"proposal_id" uuid NOT NULL,
	"revision_id" uuid NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"reading_grade_tenths" integer NOT NULL,
	"pillars" "pillar"[] NOT NULL,
	"html" text NOT NULL,
	"text" text NOT NULL,
	"fingerprint" text NOT NULL,
	"audit_head" text NOT NULL,
	"endorsers" jsonb NOT NULL,
	"participants" integer NOT NULL,
	"roster_size" integer NOT NULL,
	"status" "position_status" NOT NULL,
	"adopted_at" timestamp with time zone NOT NULL,
	"release_at" timestamp with time zone NOT NULL,
	"published_by_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"withdraw_reason" text,
	"superseded_by_id" uuid,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce("positions"."title", '')), 'A') || setweight(to_tsvector('english', coalesce("positions"."summary", '')), 'B') || setweight(to_tsvector('english', coalesce("positions"."text", '')), 'C')) STORED,
	CONSTRAINT "positions_slug_unique" UNIQUE("slug"),
	CONSTRAINT "positions_roundId_unique" UNIQUE("round_id")
);
--> statement-breakpoint
ALTER TABLE "position_slugs" ADD CONSTRAINT "position_slugs_position_id_positions_id_fk" FOREIGN KEY ("position_id") REFERENCES "public"."positions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "positions" ADD CONSTRAINT "positions_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "positions" ADD CONSTRAINT "positions_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "positions" ADD CONSTRAINT "positions_revision_id_proposal_revisions_id_fk" FOREIGN KEY ("revision_id") REFERENCES "public"."proposal_revisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "positions" ADD CONSTRAINT "positions_published_by_id_people_id_fk" FOREIGN KEY ("published_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "position_slugs_position_idx" ON "position_slugs" USING btree ("position_id");--> statement-breakpoint
CREATE INDEX "positions_release_idx" ON "positions" USING btree ("release_at");--> statement-breakpoint
CREATE INDEX "positions_search_idx" ON "positions" USING gin ("search");