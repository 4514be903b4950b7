CREATE TYPE "public"."ballot_option" AS ENUM('endorse', 'endorse_with_reservations', 'stand_aside', 'object', 'block');--> statement-breakpoint
CREATE TYPE "public"."round_outcome" AS ENUM('adopted', 'not_adopted', 'blocked', 'no_quorum');--> statement-breakpoint
CREATE TYPE "public"."round_status" AS ENUM('open', 'closed', 'cancelled');--> statement-breakpoint
CREATE TABLE "ballot_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"round_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"option" "ballot_option" NOT NULL,
	"reason" text NOT NULL,
	"list_publicly" boolean NOT NULL,
	"cast_by_id" uuid NOT NULL,
	"recorded_by_convener" boolean NOT NULL,
	"note" text NOT NULL,
	"cast_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ballots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"option" "ballot_option" NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"list_publicly" boolean DEFAULT true NOT NULL,
	"cast_by_id" uuid NOT NULL,
	"recorded_by_convener" boolean DEFAULT false NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"cast_at" timestamp with time zone NOT NULL,
	"changes" smallint DEFAULT 0 NOT NULL,
	"response" text,
	"responded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "round_roster" (
	"round_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"organization_name" text NOT NULL,
	"suspended_at_close" boolean DEFAULT false NOT NULL,
	CONSTRAINT "round_roster_round_id_organization_id_pk" PRIMARY KEY("round_id","organization_id")
);
--> statement-breakpoint
CREATE TABLE "rounds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"proposal_id" uuid NOT NULL,
	"revision_id" uuid NOT NULL,
	"status" "round_status" DEFAULT 'open' NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"quorum_numerator" smallint NOT NULL,
	"quorum_denominator" smallint NOT NULL,
	"threshold_percent" smallint NOT NULL,
	"members_see_answers" boolean DEFAULT true NOT NULL,
	"instructions" text DEFAULT '' NOT NULL,
	"opened_by_id" uuid NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reminder_sent_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"closed_by_id" uuid,
	"cancelled_at" timestamp with time zone,
	"cancelled_by_id" uuid,
	"cancel_reason" text,
	"outcome" "round_outcome",
	"explanation" text,
	"tally" jsonb,
	"outcome_statement" text,
	"outcome_statement_at" timestamp with time zone,
	CONSTRAINT "rounds_quorum_fraction" CHECK ("rounds"."quorum_numerator" >= 1 AND "rounds"."quorum_numerator" <= "rounds"."quorum_denominator"),
	CONSTRAINT "rounds_threshold_percent" CHECK ("rounds"."threshold_percent" BETWEEN 1 AND 100)
);
--> statement-breakpoint
ALTER TABLE "ballot_history" ADD CONSTRAINT "ballot_history_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballot_history" ADD CONSTRAINT "ballot_history_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballot_history" ADD CONSTRAINT "ballot_history_cast_by_id_people_id_fk" FOREIGN KEY ("cast_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_cast_by_id_people_id_fk" FOREIGN KEY ("cast_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_roster" ADD CONSTRAINT "round_roster_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_roster" ADD CONSTRAINT "round_roster_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_revision_id_proposal_revisions_id_fk" FOREIGN KEY ("revision_id") REFERENCES "public"."proposal_revisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_opened_by_id_people_id_fk" FOREIGN KEY ("opened_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_closed_by_id_people_id_fk" FOREIGN KEY ("closed_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_cancelled_by_id_people_id_fk" FOREIGN KEY ("cancelled_by_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ballot_history_round_idx" ON "ballot_history" USING btree ("round_id","organization_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "ballots_one_per_organization" ON "ballots" USING btree ("round_id","organization_id");--> statement-breakpoint
CREATE INDEX "round_roster_organization_idx" ON "round_roster" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "rounds_proposal_idx" ON "rounds" USING btree ("proposal_id");--> statement-breakpoint
CREATE INDEX "rounds_open_deadline_idx" ON "rounds" USING btree ("status","deadline");--> statement-breakpoint
CREATE UNIQUE INDEX "rounds_one_open_per_proposal" ON "rounds" USING btree ("proposal_id") WHERE "rounds"."status" = 'open';