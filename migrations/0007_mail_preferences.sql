CREATE TYPE "public"."mail_kind" AS ENUM('round_opened', 'round_reminder', 'round_cancelled', 'round_outcome', 'position_published');--> statement-breakpoint
CREATE TYPE "public"."mail_mode" AS ENUM('immediate', 'digest', 'off');--> statement-breakpoint
CREATE TABLE "mail_digest_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"kind" "mail_kind" NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"digest_id" uuid
);
--> statement-breakpoint
CREATE TABLE "mail_digests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"day" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mail_preferences" (
	"person_id" uuid NOT NULL,
	"kind" "mail_kind" NOT NULL,
	"mode" "mail_mode" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_preferences_person_id_kind_pk" PRIMARY KEY("person_id","kind")
);
--> statement-breakpoint
ALTER TABLE "mail_digest_items" ADD CONSTRAINT "mail_digest_items_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_digest_items" ADD CONSTRAINT "mail_digest_items_digest_id_mail_digests_id_fk" FOREIGN KEY ("digest_id") REFERENCES "public"."mail_digests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_digests" ADD CONSTRAINT "mail_digests_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_preferences" ADD CONSTRAINT "mail_preferences_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mail_digest_items_pending_idx" ON "mail_digest_items" USING btree ("person_id","digest_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mail_digests_person_day_key" ON "mail_digests" USING btree ("person_id","day");