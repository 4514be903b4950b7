DROP INDEX "outbox_created_idx";--> statement-breakpoint
DROP INDEX "proposal_comments_proposal_idx";--> statement-breakpoint
CREATE INDEX "outbox_created_idx" ON "outbox" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "proposal_comments_proposal_idx" ON "proposal_comments" USING btree ("proposal_id","created_at","id");