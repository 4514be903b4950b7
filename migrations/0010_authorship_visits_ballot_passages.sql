CREATE TABLE "proposal_deletions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"proposal_id" uuid NOT NULL,
	"client_id" bigint NOT NULL,
	"clock" bigint NOT NULL,
	"length" integer NOT NULL,
	"person_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "proposal_visits" (
	"proposal_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"state" "bytea" NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	"since_state" "bytea",
	"since_at" timestamp with time zone,
	CONSTRAINT "proposal_visits_proposal_id_person_id_pk" PRIMARY KEY("proposal_id","person_id")
);
--> statement-breakpoint
ALTER TABLE "ballot_history" ADD COLUMN "passage" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "passage" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "proposal_deletions" ADD CONSTRAINT "proposal_deletions_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_deletions" ADD CONSTRAINT "proposal_deletions_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_visits" ADD CONSTRAINT "proposal_visits_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_visits" ADD CONSTRAINT "proposal_visits_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "proposal_deletions_proposal_idx" ON "proposal_deletions" USING btree ("proposal_id","client_id");