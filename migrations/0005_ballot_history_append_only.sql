-- Ballot history is the record of every ballot as cast or changed: never changed afterwards.
CREATE OR REPLACE FUNCTION ballot_history_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ballot history is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ballot_history_no_update_delete
  BEFORE UPDATE OR DELETE ON ballot_history
  FOR EACH ROW EXECUTE FUNCTION ballot_history_refuse_change();
