-- An update of one booking changed "latestAssignmentAt" by recomputing both people's latest
-- assignment through the SQL function "refresh_latest_assignment_of", which PostgreSQL plans anew
-- on every call: 1.4–1.8 ms of every assignment (scripts/bench/RESULTS.md, fix 18), more than
-- the UPDATE itself. Most updates need no recomputing at all:
-- - The person who holds the booking now (assigned or completed): their latest can only move
--   later, to this start. One conditional UPDATE of their row.
-- - The person who held it before (another person now, no longer held, or the same person with
--   an earlier start): only when this booking may have been their latest (its old start is not
--   before the stored value) can the latest move back; only then is it recomputed from their
--   bookings.
--   That person's row is locked first, and the decision and the recompute are the next
--   statements, each with a snapshot taken after the lock: a transaction that meanwhile gave the
--   person a later assignment (and held their row, as assignments do) has committed by then and
--   is counted. (The function before read the bookings before waiting for the row and could write
--   back an older start.)
-- Inserts and deletes keep the statement-level recompute (bulk writes, retention).
CREATE OR REPLACE FUNCTION "refresh_latest_assignment_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  held_before boolean := OLD."interpreterId" IS NOT NULL AND OLD."status"::text IN ('assigned', 'completed');
  held_now boolean := NEW."interpreterId" IS NOT NULL AND NEW."status"::text IN ('assigned', 'completed');
BEGIN
  IF held_now THEN
    UPDATE "Interpreter" SET "latestAssignmentAt" = NEW."startsAt"
    WHERE "id" = NEW."interpreterId" AND ("latestAssignmentAt" IS NULL OR "latestAssignmentAt" < NEW."startsAt");
  END IF;
  IF held_before AND NOT (held_now AND NEW."interpreterId" = OLD."interpreterId" AND NEW."startsAt" >= OLD."startsAt") THEN
    PERFORM 1 FROM "Interpreter" WHERE "id" = OLD."interpreterId" FOR NO KEY UPDATE;
    PERFORM "refresh_latest_assignment_of"(ARRAY[OLD."interpreterId"])
    FROM "Interpreter" WHERE "id" = OLD."interpreterId" AND ("latestAssignmentAt" IS NULL OR "latestAssignmentAt" <= OLD."startsAt");
  END IF;
  RETURN NULL;
END $$;
