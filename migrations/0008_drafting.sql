CREATE TABLE "proposal_client_ids" (
	"proposal_id" uuid NOT NULL,
	"client_id" bigint NOT NULL,
	"person_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "proposal_client_ids_proposal_id_client_id_pk" PRIMARY KEY("proposal_id","client_id")
);
--> statement-breakpoint
CREATE TABLE "passage_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"thread_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"organization_id" uuid,
	"body" text NOT NULL,
	"round_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "passage_threads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"proposal_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"organization_id" uuid,
	"anchor_from" "bytea" NOT NULL,
	"anchor_to" "bytea" NOT NULL,
	"quote" text NOT NULL,
	"round_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by_id" uuid
);
--> statement-breakpoint
ALTER TABLE "proposal_updates" ADD COLUMN "author_id" uuid;--> statement-breakpoint
ALTER TABLE "proposals" ADD COLUMN "open_editing" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "proposal_client_ids" ADD CONSTRAINT "proposal_client_ids_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_client_ids" ADD CONSTRAINT "proposal_client_ids_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passage_comments" ADD CONSTRAINT "passage_comments_thread_id_passage_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."passage_threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passage_comments" ADD CONSTRAINT "passage_comments_author_id_people_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passage_comments" ADD CONSTRAINT "passage_comments_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passage_comments" ADD CONSTRAINT "passage_comments_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passage_threads" ADD CONSTRAINT "passage_threads_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passage_threads" ADD CONSTRAINT "passage_threads_author_id_people_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passage_threads" ADD CONSTRAINT "passage_threads_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passage_threads" ADD CONSTRAINT "passage_threads_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passage_threads" ADD CONSTRAINT "passage_threads_resolved_by_id_people_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "passage_comments_thread_idx" ON "passage_comments" USING btree ("thread_id","created_at");--> statement-breakpoint
CREATE INDEX "passage_threads_proposal_idx" ON "passage_threads" USING btree ("proposal_id","created_at");--> statement-breakpoint
ALTER TABLE "proposal_updates" ADD CONSTRAINT "proposal_updates_author_id_people_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;