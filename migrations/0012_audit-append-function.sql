-- Appends one event to the audit hash chain in one round trip (docs/decisions/099): the
-- transaction-level advisory lock that orders appends (released when the caller's transaction
-- ends), then, in a statement of its own, the head read and the event inserted with its hash:
-- sha256 of the canonical JSON the caller wrote, with the head in the place kept for it. In READ
-- COMMITTED each statement of a volatile PL/pgSQL function takes a new snapshot, so the insert
-- sees the previous holder's commit. Returns the event's hash.
CREATE FUNCTION "care_append_audit_event"(
  "p_at" timestamptz,
  "p_actor_id" uuid,
  "p_action" text,
  "p_subject_type" text,
  "p_subject_id" text,
  "p_before" jsonb,
  "p_after" jsonb,
  "p_prefix" text,
  "p_suffix" text
) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  "head" text;
  "appended" text;
BEGIN
  PERFORM pg_advisory_xact_lock(7314562002);
  SELECT coalesce((SELECT "hash" FROM "audit_events" ORDER BY "seq" DESC LIMIT 1), repeat('0', 64)) INTO "head";
  INSERT INTO "audit_events" ("at", "actor_id", "action", "subject_type", "subject_id", "before", "after", "prev_hash", "hash")
  VALUES ("p_at", "p_actor_id", "p_action", "p_subject_type", "p_subject_id", "p_before", "p_after", "head",
    encode(sha256(convert_to("p_prefix" || "head" || "p_suffix", 'UTF8')), 'hex'))
  RETURNING "hash" INTO "appended";
  RETURN "appended";
END
$$;
