-- The expression index of 0003 (not in the schema) could not serve the search, which or-ed it with substring matches: the kept column below replaces it.
DROP INDEX IF EXISTS "proposals_search_idx";--> statement-breakpoint
ALTER TABLE "proposals" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', "proposals"."title"), 'A') || setweight(to_tsvector('english', "proposals"."summary"), 'B') || setweight(to_tsvector('english', "proposals"."body_text"), 'C')) STORED;--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_id","seq");--> statement-breakpoint
CREATE INDEX "proposals_search_vector_idx" ON "proposals" USING gin ("search");--> statement-breakpoint
CREATE INDEX "proposals_updated_idx" ON "proposals" USING btree ("updated_at");