CREATE TABLE "proposal_client_ids" (
	"proposal_id" uuid NOT NULL,
	"client_id" bigint NOT NULL,
	"person_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "proposal_client_ids_proposal_id_client_id_pk" PRIMARY KEY("proposal_id","client_id")
);
--> statement-breakpoint
ALTER TABLE "proposal_updates" ADD COLUMN "author_id" uuid;--> statement-breakpoint
ALTER TABLE "proposals" ADD COLUMN "open_editing" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "proposal_client_ids" ADD CONSTRAINT "proposal_client_ids_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_client_ids" ADD CONSTRAINT "proposal_client_ids_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_updates" ADD CONSTRAINT "proposal_updates_author_id_people_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;